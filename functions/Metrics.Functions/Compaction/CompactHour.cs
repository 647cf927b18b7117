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
    public async Task RunAsync(
        [QueueTrigger(Metrics.Storage.QueueWorkQueue.CompactionUnits, Connection = "MetricsStorage")] QueueMessage message,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(message);
        WorkUnit unit;
        try
        {
            unit = WorkUnit.Parse(message.Body.ToMemory().Span);
        }
        catch (FormatException ex)
        {
            CompactionLog.UnitUnreadable(logger, message.MessageId, ex.Message);
            return;
        }

        try
        {
            await runner
                .RunAsync(
                    unit,
                    message.DequeueCount,
                    async (u, ct) =>
                        CompactionLog.UnitDone(logger, u.ToString(), await compaction.RunUnitAsync(u, ct).ConfigureAwait(false)),
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (message.DequeueCount >= QueuedUnitRunner.MaxAttempts && !cancellationToken.IsCancellationRequested)
        {
            // The host moves the message to compaction-units-poison after this: counted for the alert, logged with why.
            (metrics ?? Metrics.Core.Observability.PipelineMetrics.Shared).UnitPoisoned(WorkUnit.NameOf(unit.Kind));
            CompactionLog.UnitPoisoned(logger, unit.ToString(), message.DequeueCount, ex.GetType().Name, ex.Message);
            throw;
        }
    }
}
