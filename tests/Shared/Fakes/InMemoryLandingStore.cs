namespace Metrics.Tests.Shared.Fakes;

/// <summary>
/// An in-memory <see cref="ILandingStore"/>: files by "container/path". Set <see cref="FailWith"/> to simulate a storage outage.
/// </summary>
public sealed class InMemoryLandingStore : ILandingStore
{
    public ConcurrentDictionary<string, LandingFile> Files { get; } = new(StringComparer.Ordinal);

    public Exception? FailWith { get; set; }

    public int Writes => _writes;

    private int _writes;

    public Task WriteAsync(LandingFile file, CancellationToken cancellationToken)
    {
        if (FailWith is { } failure)
        {
            return Task.FromException(failure);
        }

        Interlocked.Increment(ref _writes);
        // The content's memory goes back to a pool once the write returns (ILandingStore): keep a copy.
        Files[$"{file.Container}/{file.Path}"] = file with
        {
            Content = file.Content.ToArray(),
        };
        return Task.CompletedTask;
    }
}
