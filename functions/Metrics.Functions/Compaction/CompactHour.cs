using Azure.Storage.Queues.Models;

namespace Metrics.Functions.Compaction;

/// <summary>
/// One compaction unit from queue <c>compaction-units</c>: one stream-hour compacted, its mark cleared (see
/// <see cref="LandedCompaction.RunUnitAsync"/>). A failure is recorded with what it threw and rethrown, so the host
/// retries it; after host.json's <c>maxDequeueCount</c> attempts the host moves it to <c>compaction-units-poison</c>, and
/// <c>metrics status</c> lists it. A message that is no unit at all is logged and dropped: retrying cannot mend it.
/// </summary>
public sealed class CompactHour(
    LandedCompaction compaction,
    QueuedUnitRunner runner,
    ILogger<CompactHour> logger,
    Metrics.Core.Observability.PipelineMetrics? metrics = null
)
{
    [Function(FunctionNames.CompactHour)]
    public Task RunAsync(
        [QueueTrigger(Metrics.Storage.QueueWorkQueue.CompactionUnits, Connection = "MetricsStorage")] QueueMessage message,
        CancellationToken cancellationToken
    ) =>
        QueuedUnitMessage.RunAsync(
            message,
            runner,
            body => WorkUnit.Parse(body.Span),
            async (u, ct) => CompactionLog.UnitDone(logger, u.ToString(), await compaction.RunUnitAsync(u, ct).ConfigureAwait(false)),
            new QueuedUnitLog(
                (id, reason) => CompactionLog.UnitUnreadable(logger, id, reason),
                (unit, attempts, type, text) => CompactionLog.UnitPoisoned(logger, unit, attempts, type, text)
            ),
            metrics,
            cancellationToken
        );
}
