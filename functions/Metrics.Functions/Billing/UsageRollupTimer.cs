namespace Metrics.Functions.Billing;

/// <summary>Every five minutes (<c>%RollupSchedule%</c>), rolls whatever landed since into hourly and monthly usage.</summary>
public sealed class UsageRollupTimer(UsageRollup rollup, ILogger<UsageRollupTimer> logger)
{
    [Function(FunctionNames.UsageRollup)]
    public async Task RunAsync([TimerTrigger("%RollupSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            RollupLog.PastDue(logger);
        }

        try
        {
            RollupResult result = await rollup.RunPendingAsync(cancellationToken).ConfigureAwait(false);
            RollupLog.Completed(logger, result);
        }
        catch (RollupLockBusyException ex)
        {
            // Another rollup (a CLI run, or a slow previous tick) still holds the lock; its work is the same work.
            RollupLog.LockBusy(logger, ex.Message);
        }
    }
}
