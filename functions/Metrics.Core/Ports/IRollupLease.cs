namespace Metrics.Core.Ports;

/// <summary>A held rollup lock. Dispose to release it.</summary>
public interface IRollupLease : IAsyncDisposable
{
    /// <summary>
    /// Cancelled if the lock is lost while held (its renewal failed, so another rollup may take it): the holder must
    /// stop writing. Its unfinished marks stay set, so the next run redoes the work.
    /// </summary>
    CancellationToken Lost { get; }
}
