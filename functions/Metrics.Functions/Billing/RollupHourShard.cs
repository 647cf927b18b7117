using Azure.Storage.Queues.Models;

namespace Metrics.Functions.Billing;

/// <summary>
/// One rollup unit from queue <c>rollup-units</c>, on as many instances as the platform gives (see
/// <see cref="QueuedHours.RunUnitAsync"/>): one shard of an hour's GPU samples read and its observed time written (the
/// timer writes the hour once every shard is in), or a billing day or month written again. A failure is recorded with
/// what it threw and rethrown, so the host retries it; after host.json's <c>maxDequeueCount</c> attempts the host moves
/// it to <c>rollup-units-poison</c>, <c>metrics status</c> lists it, and its marks stay. A message that is no unit at
/// all is logged and dropped.
/// </summary>
public sealed class RollupHourShard(
    QueuedHours hours,
    QueuedUnitRunner runner,
    ILogger<RollupHourShard> logger,
    Metrics.Core.Observability.PipelineMetrics? metrics = null
)
{
    [Function(FunctionNames.RollupHourShard)]
    public Task RunAsync(
        [QueueTrigger(Metrics.Storage.QueueWorkQueue.RollupUnits, Connection = "MetricsStorage")] QueueMessage message,
        CancellationToken cancellationToken
    ) =>
        QueuedUnitMessage.RunAsync(
            message,
            runner,
            body => QueuedHours.ParseUnit(body.Span),
            async (u, ct) =>
                RollupLog.UnitDone(
                    logger,
                    u.ToString(),
                    await hours.RunUnitAsync(u, ct).ConfigureAwait(false)
                        ? "did its work"
                        : "had nothing to do: its result or period is written, or its plan was replaced"
                ),
            new QueuedUnitLog(
                (id, reason) => RollupLog.UnitUnreadable(logger, id, reason),
                (unit, attempts, type, text) => RollupLog.UnitPoisoned(logger, unit, attempts, type, text)
            ),
            metrics,
            cancellationToken
        );
}
