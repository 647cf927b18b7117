namespace Metrics.Functions.Triggers;

/// <summary>
/// What the rollup, compaction and month-close timers do with a tick: run their work and log its outcome; or, when
/// another run (a CLI run, or a slow previous tick) holds the rollup lock, log that and do nothing. The holder's work
/// is the same work, and what it leaves stays marked for the next tick, so a busy lock is not a failure to retry.
/// </summary>
internal static class LockedTick
{
    public static async Task RunAsync<TResult>(
        Func<CancellationToken, Task<TResult>> work,
        Action<TResult> completed,
        Action<string> lockBusy,
        CancellationToken cancellationToken
    )
    {
        TResult result;
        try
        {
            result = await work(cancellationToken).ConfigureAwait(false);
        }
        catch (WorkLockBusyException ex)
        {
            lockBusy(ex.Message);
            return;
        }

        completed(result);
    }
}
