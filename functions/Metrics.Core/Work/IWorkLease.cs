namespace Metrics.Core.Work;

/// <summary>A held rollup lock. Dispose to release it.</summary>
public interface IWorkLease : IAsyncDisposable
{
    /// <summary>
    /// Cancelled if the lock is lost while held (its renewal failed, so another rollup may take it): the holder must
    /// stop writing. Its unfinished marks stay set, so the next run redoes the work.
    /// </summary>
    CancellationToken Lost { get; }

    /// <summary>
    /// This holding's fencing token: greater than that of every earlier holding of the lock. Writes that replace derived
    /// usage carry it, and a store refuses one whose token is below the last that wrote there
    /// (<see cref="FencedWriteException"/>): a holder that stalled past its lease, unaware that it lost it, cannot
    /// overwrite what a later holder wrote. <see cref="Lost"/> stops a holder that notices; the token stops one that does not.
    /// </summary>
    long Generation { get; }
}
