namespace Metrics.Functions.Compaction;

/// <summary>
/// Every 15 minutes (<c>%CompactionSchedule%</c>), plans compaction: a unit on queue <c>compaction-units</c> for each
/// stream-hour that received files, once it has closed and <c>CompactionGraceMinutes</c> have passed. The units are run
/// by <see cref="CompactHour"/>, on as many instances as the platform gives it.
/// </summary>
public sealed class LandedCompactionTimer(LandedCompaction compaction, IWorkQueue queue, ILogger<LandedCompactionTimer> logger)
{
    [Function(FunctionNames.LandedCompaction)]
    public async Task RunAsync([TimerTrigger("%CompactionSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        CompactionLog.Planned(logger, await compaction.PlanAsync(queue, cancellationToken).ConfigureAwait(false));
    }
}
