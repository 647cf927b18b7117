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
        // Under a long rollup's lock the month stays open until the next tick.
        await LockedTick
            .RunAsync(
                close.CloseDueAsync,
                outcome => MonthCloseLog.Outcome(logger, outcome),
                busy => MonthCloseLog.LockBusy(logger, busy),
                cancellationToken
            )
            .ConfigureAwait(false);
    }
}
