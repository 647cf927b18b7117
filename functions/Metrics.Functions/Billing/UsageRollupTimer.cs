using Metrics.Core.Allocations;

namespace Metrics.Functions.Billing;

/// <summary>
/// Every five minutes (<c>%RollupSchedule%</c>), rolls whatever landed since into hourly and monthly usage, then
/// watches the allocations' thresholds (<see cref="AllocationWatch"/>), so an event is on its queue within one run of
/// the rollup that crossed it; then republishes the open months' usage lines into the lake once they are an hour old
/// (<see cref="UsageLakePublisher"/>).
/// </summary>
public sealed class UsageRollupTimer(
    UsageRollup rollup,
    AllocationWatch watch,
    ILogger<UsageRollupTimer> logger,
    UsageLakePublisher? lake = null
)
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
                async ct =>
                {
                    RollupResult done = await rollup.RunPendingAsync(ct).ConfigureAwait(false);
                    RollupLog.AllocationsWatched(logger, await watch.RunAsync(ct).ConfigureAwait(false));
                    if (lake is not null)
                    {
                        await lake.PublishCurrentAsync(ct).ConfigureAwait(false);
                    }

                    return done;
                },
                result => RollupLog.Completed(logger, result),
                busy => RollupLog.LockBusy(logger, busy),
                cancellationToken
            )
            .ConfigureAwait(false);
    }
}
