namespace Metrics.Core.Ports;

/// <summary>
/// Serialises rollups (timer and CLI) across processes. Each rollup is correct alone and idempotent; the lock keeps two
/// from interleaving their writes to the same job, hour or month.
/// </summary>
public interface IRollupLock
{
    /// <summary>Waits up to <paramref name="wait"/> for the lock; throws <see cref="RollupLockBusyException"/> if it stays taken.</summary>
    Task<IRollupLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken);
}
