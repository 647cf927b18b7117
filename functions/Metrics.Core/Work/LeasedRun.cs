namespace Metrics.Core.Work;

/// <summary>
/// One run of leased, marked work: the rollup, compaction and the month close are each one. It holds the work lock for
/// the run and stops the run when the lease is lost (<see cref="Token"/>); it runs each unit (a job hour, an hour, a
/// day, a month, a stream-hour) isolated, so that one that fails is reported with its key (<see cref="Failures"/>) and
/// keeps its mark while the run goes on; and it clears a unit's mark only after its work is written, and only if
/// nobody re-marked it meanwhile. Writes that replace derived data carry <see cref="Generation"/>, the lease's fencing
/// token.
/// </summary>
public sealed class LeasedRun : IAsyncDisposable
{
    /// <summary>How long a run waits for another to finish before giving up (a timer simply tries again later).</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(5);

    private readonly IWorkLease _lease;
    private readonly CancellationTokenSource _work;
    private readonly List<UnitFailure> _failures = [];

    private LeasedRun(IWorkLease lease, CancellationToken callerToken)
    {
        _lease = lease;
        _work = CancellationTokenSource.CreateLinkedTokenSource(callerToken, lease.Lost);
    }

    /// <summary>Cancelled when the caller cancels or the lease is lost: another run may hold the lock now.</summary>
    public CancellationToken Token => _work.Token;

    /// <summary>The lease's fencing token (<see cref="IWorkLease.Generation"/>).</summary>
    public long Generation => _lease.Generation;

    /// <summary>The units that failed so far, each with its key and what it threw.</summary>
    public IReadOnlyList<UnitFailure> Failures => _failures;

    /// <summary>
    /// Takes the lock, waiting up to <see cref="LockWait"/>; throws <see cref="WorkLockBusyException"/> if it stays taken.
    /// </summary>
    public static async Task<LeasedRun> StartAsync(IWorkLock workLock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workLock);
        IWorkLease lease = await workLock.AcquireAsync(LockWait, cancellationToken).ConfigureAwait(false);
        return new LeasedRun(lease, cancellationToken);
    }

    /// <summary>
    /// Runs one unit; on failure records it and returns false, so that its mark stays. Cancellation, including a lost
    /// lease, is not a failure of the unit: it stops the whole run, as does a write fenced out by a later holder of the
    /// lock (the lease was lost unnoticed).
    /// </summary>
    public async Task<bool> UnitAsync(MarkKind kind, string key, Func<CancellationToken, Task> unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        try
        {
            await unit(Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!Token.IsCancellationRequested && ex is not FencedWriteException)
        {
            Fail(UnitFailure.Of(kind, key, ex));
            return false;
        }
    }

    /// <summary>Records a unit that failed outside <see cref="UnitAsync"/>.</summary>
    public void Fail(UnitFailure failure) => _failures.Add(failure);

    /// <summary>
    /// Clears a mark whose work is written, only if nobody re-marked it meanwhile; returns 1 if it was (the mark is kept
    /// for the next run), else 0.
    /// </summary>
    public async Task<int> ClearAsync(IWorkMarks marks, WorkMark mark)
    {
        ArgumentNullException.ThrowIfNull(marks);
        Token.ThrowIfCancellationRequested();
        return await marks.ClearAsync(mark, Token).ConfigureAwait(false) ? 0 : 1;
    }

    public async ValueTask DisposeAsync()
    {
        _work.Dispose();
        await _lease.DisposeAsync().ConfigureAwait(false);
    }
}
