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

        await LockedTick
            .RunAsync(
                ct => rollup.RunPendingAsync(ct),
                result => RollupLog.Completed(logger, result),
                busy => RollupLog.LockBusy(logger, busy),
                cancellationToken
            )
            .ConfigureAwait(false);
    }
}
