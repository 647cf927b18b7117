namespace Metrics.Functions.Billing;

/// <summary>
/// Daily (<c>%MonthCloseSchedule%</c>): closes the last billing month once <c>MonthCloseGraceDays</c> have passed since
/// it ended in the billing time zone. Closing is idempotent, so every tick after that is a no-op.
/// </summary>
public sealed class MonthCloseTimer(MonthClose close, ILogger<MonthCloseTimer> logger)
{
    [Function(FunctionNames.MonthClose)]
    public async Task RunAsync([TimerTrigger("%MonthCloseSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        try
        {
            MonthCloseLog.Outcome(logger, await close.CloseDueAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (RollupLockBusyException ex)
        {
            // A long rollup holds the lock; the month stays open until the next tick.
            MonthCloseLog.LockBusy(logger, ex.Message);
        }
    }
}
