namespace Metrics.Integration.Tests;

/// <summary>
/// What two rollups see when one's lease expired unnoticed and another took the lock: every caller gets the lock at
/// once. Each holding still takes its generation from the store's real lock (acquired and released at once), so tokens
/// rise across these holdings and the real lock's alike, as they do in production.
/// </summary>
internal sealed class ExpiredLeaseLock(AzuriteStore store) : IWorkLock
{
    public async Task<IWorkLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        await using IWorkLease real = await new BlobWorkLock(store.Clients.Blobs).AcquireAsync(wait, cancellationToken);
        return new Lease(real.Generation);
    }

    private sealed class Lease(long generation) : IWorkLease
    {
        public CancellationToken Lost => CancellationToken.None;

        public long Generation => generation;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
