namespace Metrics.Core.Work;

/// <summary>
/// Serialises leased work across processes: the rollup, compaction and the month close (timers and CLI) take the one
/// lock (<see cref="Work.LeasedRun"/>). Each run is correct alone and idempotent; the lock keeps two from interleaving
/// their writes to the same job, hour or month, and from adding up their memory in one instance.
/// </summary>
public interface IWorkLock
{
    /// <summary>Waits up to <paramref name="wait"/> for the lock; throws <see cref="WorkLockBusyException"/> if it stays taken.</summary>
    Task<IWorkLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken);
}
