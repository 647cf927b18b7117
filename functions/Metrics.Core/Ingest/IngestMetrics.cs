using Metrics.Contract;
using Metrics.Core.Landing;
using Metrics.Core.Observability;

namespace Metrics.Core.Ingest;

/// <summary>What ingest records in the pipeline's metrics (<see cref="PipelineMetrics"/>).</summary>
public static class IngestMetrics
{
    /// <summary>One landed batch: its events by outcome, rows, dead letters by reason, bytes, duration, and each event's lag.</summary>
    public static void BatchLanded(
        this PipelineMetrics metrics,
        EventBatch batch,
        IngestResult result,
        TimeSpan duration,
        DateTimeOffset processedAt
    )
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(result);
        string stream = batch.Stream.Name();
        var hub = new KeyValuePair<string, object?>("messaging.destination.name", stream);
        metrics._events.Add(result.LandedEvents, hub, new("outcome", "landed"));
        metrics._events.Add(result.DeadLettered - result.InternalErrors.Count, hub, new("outcome", "dead_lettered"));
        metrics._events.Add(result.InternalErrors.Count, hub, new("outcome", "internal_error"));
        metrics._rows.Add(result.LandedRows, hub);
        foreach ((RejectReason reason, int count) in result.RejectionsByReason)
        {
            metrics._deadLetters.Add(count, hub, new("reason", reason.Code()));
        }

        metrics._bytes.Add(result.LandedBytes, hub);
        foreach ((string name, long rows) in result.UnknownModels)
        {
            metrics._unknownModels.Add(rows, hub, new("gpu.model", name));
        }

        metrics._batchDuration.Record(duration.TotalSeconds, hub, new("messaging.system", "eventhubs"));
        // One measurement per event: skipped whole when nobody listens (the CLI without --metrics), as on a national
        // hour's 718,000 events the loop would be pure overhead.
        if (metrics._lag.Enabled)
        {
            foreach (RawEvent raw in batch.Events)
            {
                metrics._lag.Record(Math.Max(0, (processedAt - raw.EnqueuedTime).TotalSeconds), hub);
            }
        }
    }
}
