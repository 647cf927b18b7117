namespace Metrics.Core.Catalogue;

/// <summary>
/// The catalogue as ingest sees it: read from the store at most once per <see cref="MaxAge"/>, so a batch costs no
/// storage read, and an import reaches every ingest instance within that time. When a refresh fails and an earlier
/// copy exists, that copy serves until the next attempt: a catalogue changes rarely, and ingest must not stop for it.
/// Without any copy the failure propagates, and the batch is retried like any other storage failure.
/// </summary>
public sealed class GpuModelCatalogueCache(IGpuModelStore store, TimeProvider time)
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private GpuModelCatalogue? _current;
    private DateTimeOffset _readAt;

    public TimeSpan MaxAge { get; init; } = DefaultMaxAge;

    public async Task<GpuModelCatalogue> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } fresh && time.GetUtcNow() - _readAt < MaxAge)
        {
            return fresh;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DateTimeOffset now = time.GetUtcNow();
            if (_current is { } refreshed && now - _readAt < MaxAge)
            {
                return refreshed;
            }

            try
            {
                _current = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (_current is not null && ex is not OperationCanceledException)
            {
                // Keep the last copy; the next batch after MaxAge tries again.
            }

            _readAt = now;
            return _current!;
        }
        finally
        {
            _refresh.Release();
        }
    }
}
