namespace Metrics.Functions.Compaction;

/// <summary>
/// Every 15 minutes (<c>%CompactionSchedule%</c>), compacts the stream-hours that received files, once they have closed
/// and <c>CompactionGraceMinutes</c> have passed.
/// </summary>
public sealed class LandedCompactionTimer(LandedCompaction compaction, ILogger<LandedCompactionTimer> logger)
{
    [Function(FunctionNames.LandedCompaction)]
    public async Task RunAsync([TimerTrigger("%CompactionSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await LockedTick
            .RunAsync(
                ct => compaction.RunPendingAsync(ct),
                result => CompactionLog.Completed(logger, result),
                busy => CompactionLog.LockBusy(logger, busy),
                cancellationToken
            )
            .ConfigureAwait(false);
    }
}
