using Metrics.Core.Lake;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>
/// The lake in memory, with the Blob adapter's rules: a file is replaced only by a later generation, and a write is
/// visible only once the writer has finished (a writer that throws leaves the previous file).
/// </summary>
public sealed class InMemoryLakeStore : ILakeStore
{
    private readonly ConcurrentDictionary<string, (byte[] Content, long Generation)> _files = new(StringComparer.Ordinal);

    /// <summary>How many writes replaced or created a file.</summary>
    public int Writes { get; private set; }

    public Task<long?> GenerationAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult(_files.TryGetValue(path, out var file) ? file.Generation : (long?)null);

    public async Task<bool> WriteAsync(
        string path,
        long generation,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_files.TryGetValue(path, out var existing) && existing.Generation >= generation)
        {
            return false;
        }

        using var content = new MemoryStream();
        await write(content, cancellationToken);
        _files[path] = (content.ToArray(), generation);
        Writes++;
        return true;
    }

    public Task<IReadOnlyList<LakeFile>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LakeFile>>([
            .. _files
                .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new LakeFile(f.Key, f.Value.Content.Length, f.Value.Generation)),
        ]);

    public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream(_files[path].Content, writable: false));
}
