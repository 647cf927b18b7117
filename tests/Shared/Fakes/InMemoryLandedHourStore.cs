using Metrics.Contract;
using Metrics.Core.Compaction;
using Metrics.Core.Ingest;
using Metrics.Core.Ports;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>
/// Landed files in memory, as ingest writes them and compaction reads, writes and deletes them, with the Blob adapter's
/// rules: files are created, never replaced (<see cref="IOException"/> when one exists), and a listing is in path order.
/// Shared by the compaction tests and the scan benchmark (tools/Metrics.Benchmarks links this file).
/// </summary>
public sealed class InMemoryLandedHourStore : ILandingStore, ILandedHourStore
{
    private readonly ConcurrentDictionary<string, (byte[] Content, IReadOnlyDictionary<string, string> Metadata)> _files = new(
        StringComparer.Ordinal
    );

    /// <summary>How many files there are.</summary>
    public int Count => _files.Count;

    /// <summary>Their bytes in all.</summary>
    public long Bytes => _files.Values.Sum(f => (long)f.Content.Length);

    /// <summary>Every path, in order.</summary>
    public IReadOnlyList<string> Paths => [.. _files.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// A landing file (ingest's write replaces, as a retried batch writes the same bytes again); other containers are
    /// dropped.
    /// </summary>
    public Task WriteAsync(LandingFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Container == LandingPaths.TelemetryContainer)
        {
            _files[file.Path] = (file.Content.ToArray(), file.Metadata);
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<string>> ListHourAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    ) => (await LandedHourView.ReadAsync(this, stream, hour, cancellationToken)).Visible.Select(b => b.Path).ToArray();

    public Task<IReadOnlyList<LandedBlob>> ListHourBlobsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    )
    {
        string prefix = LandingPaths.HourPrefix(stream, hour);
        return Task.FromResult<IReadOnlyList<LandedBlob>>(
            _files
                .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new LandedBlob(f.Key, f.Value.Content.Length, null))
                .ToArray()
        );
    }

    public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
        _files.TryGetValue(path, out var file)
            ? Task.FromResult<Stream>(new MemoryStream(file.Content, writable: false))
            : Task.FromException<Stream>(new FileNotFoundException($"{path} is gone", path));

    public async Task WriteAsync(
        string path,
        string contentType,
        Func<Stream, CancellationToken, Task<IReadOnlyDictionary<string, string>>> write,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(write);
        ThrowIfExists(path);
        using var content = new MemoryStream();
        IReadOnlyDictionary<string, string> metadata = await write(content, cancellationToken);
        Create(path, content.ToArray(), metadata);
    }

    public Task PutAsync(string path, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Create(path, content.ToArray(), new Dictionary<string, string>());
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        _files.TryRemove(path, out _);
        return Task.CompletedTask;
    }

    private void ThrowIfExists(string path)
    {
        if (_files.ContainsKey(path))
        {
            throw new IOException($"{path} exists already");
        }
    }

    private void Create(string path, byte[] content, IReadOnlyDictionary<string, string> metadata)
    {
        if (!_files.TryAdd(path, (content, metadata)))
        {
            throw new IOException($"{path} exists already");
        }
    }
}
