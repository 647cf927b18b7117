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
        try
        {
            CompactionResult result = await compaction.RunPendingAsync(cancellationToken).ConfigureAwait(false);
            CompactionLog.Completed(logger, result);
        }
        catch (RollupLockBusyException ex)
        {
            // A CLI compaction (or a slow previous tick) holds the lock; the hours it leaves stay marked for the next tick.
            CompactionLog.LockBusy(logger, ex.Message);
        }
    }
}
