using System.Diagnostics.Metrics;

namespace Metrics.Core.Operations;

/// <summary>
/// The pipeline's metrics, through the .NET <see cref="Meter"/> API, which OpenTelemetry exports (to Application Insights
/// from the functions; to the console from the CLI). Names are dotted and lower-case with UCUM units, as OpenTelemetry's
/// conventions ask; where a convention exists for the thing measured its attribute names are used (<c>messaging.*</c>
/// for the hub a batch came from). One instance per meter name: the app uses <see cref="Shared"/>, a test its own name
/// so that tests running at once do not see each other's measurements.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "Metrics.Pipeline";

    private readonly Meter _meter;
    private readonly Counter<long> _events;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _unknownModels;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _lag;
    private readonly Histogram<double> _rollupDuration;
    private readonly Counter<long> _hours;
    private readonly Counter<long> _months;
    private readonly Counter<long> _failedUnits;
    private readonly Gauge<long> _pendingMarks;
    private readonly Gauge<double> _oldestPending;
    private readonly Gauge<long> _monthsOverdue;

    public PipelineMetrics(string meterName = MeterName)
    {
        _meter = new Meter(meterName, "1.0");
        _events = _meter.CreateCounter<long>("metrics.ingest.events", "{event}", "Events received, by stream and outcome.");
        _rows = _meter.CreateCounter<long>("metrics.ingest.rows", "{row}", "Rows landed (one per GPU of a sample, one per job event).");
        _deadLetters = _meter.CreateCounter<long>("metrics.ingest.dead_letters", "{event}", "Events dead-lettered, by stream and reason.");
        _bytes = _meter.CreateCounter<long>("metrics.ingest.landed_bytes", "By", "Bytes of the Arrow files landed.");
        _unknownModels = _meter.CreateCounter<long>(
            "metrics.ingest.unknown_model_rows",
            "{row}",
            "Rows landed under a GPU model name the catalogue does not know, by stream and name."
        );
        _batchDuration = _meter.CreateHistogram<double>(
            "messaging.process.duration",
            "s",
            "Time to land one batch (the messaging conventions' processing duration)."
        );
        _lag = _meter.CreateHistogram<double>("metrics.ingest.lag", "s", "Processing time less the hub's enqueued time, per event.");
        _rollupDuration = _meter.CreateHistogram<double>("metrics.rollup.duration", "s", "Time of one rollup run.");
        _hours = _meter.CreateCounter<long>("metrics.rollup.hours", "{hour}", "Hours recomputed.");
        _months = _meter.CreateCounter<long>("metrics.rollup.months", "{month}", "Months recomputed.");
        _failedUnits = _meter.CreateCounter<long>(
            "metrics.rollup.failed_units",
            "{unit}",
            "Units that failed and kept their mark, by kind."
        );
        _pendingMarks = _meter.CreateGauge<long>("metrics.rollup.marks.pending", "{mark}", "Marks pending when a run starts, by kind.");
        _monthsOverdue = _meter.CreateGauge<long>(
            "metrics.months.overdue",
            "{month}",
            "Months past their close grace that the month-close timer's last tick left open."
        );
        _oldestPending = _meter.CreateGauge<double>(
            "metrics.rollup.freshness",
            "s",
            "Age of the oldest pending ingest mark when a run starts: how far billing lags behind landed data."
        );
    }

    /// <summary>Months past their close grace still open after the month-close timer's tick (0 when all are closed).</summary>
    public void MonthsOverdue(int months) => _monthsOverdue.Record(months);

    /// <summary>The app's instance.</summary>
    public static PipelineMetrics Shared { get; } = new();

    public string Name => _meter.Name;

    /// <summary>One landed batch: its events by outcome, rows, dead letters by reason, bytes, duration, and each event's lag.</summary>
    public void BatchLanded(EventBatch batch, IngestResult result, TimeSpan duration, DateTimeOffset processedAt)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(result);
        string stream = batch.Stream.Name();
        var hub = new KeyValuePair<string, object?>("messaging.destination.name", stream);
        _events.Add(result.LandedEvents, hub, new("outcome", "landed"));
        _events.Add(result.DeadLettered - result.InternalErrors.Count, hub, new("outcome", "dead_lettered"));
        _events.Add(result.InternalErrors.Count, hub, new("outcome", "internal_error"));
        _rows.Add(result.LandedRows, hub);
        foreach ((RejectReason reason, int count) in result.RejectionsByReason)
        {
            _deadLetters.Add(count, hub, new("reason", reason.Code()));
        }

        _bytes.Add(result.LandedBytes, hub);
        foreach ((string name, long rows) in result.UnknownModels)
        {
            _unknownModels.Add(rows, hub, new("gpu.model", name));
        }

        _batchDuration.Record(duration.TotalSeconds, hub, new("messaging.system", "eventhubs"));
        // One measurement per event: skipped whole when nobody listens (the CLI without --metrics), as on a national
        // hour's 718,000 events the loop would be pure overhead.
        if (_lag.Enabled)
        {
            foreach (RawEvent raw in batch.Events)
            {
                _lag.Record(Math.Max(0, (processedAt - raw.EnqueuedTime).TotalSeconds), hub);
            }
        }
    }

    /// <summary>What a run found waiting when it started (ingest's marks, by kind), and how old the oldest was.</summary>
    public void RollupStarted(IReadOnlyList<WorkMark> jobMarks, IReadOnlyList<WorkMark> gpuMarks, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(jobMarks);
        ArgumentNullException.ThrowIfNull(gpuMarks);
        _pendingMarks.Record(jobMarks.Count, new KeyValuePair<string, object?>("kind", "jobs"));
        _pendingMarks.Record(gpuMarks.Count, new KeyValuePair<string, object?>("kind", "gpu"));
        DateTimeOffset? oldest = jobMarks.Concat(gpuMarks).Select(m => m.MarkedAt).Min();
        _oldestPending.Record(oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0);
    }

    public void RollupFinished(RollupResult result, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(result);
        _rollupDuration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("outcome", result.Failures.Count == 0 ? "ok" : "failed")
        );
        _hours.Add(result.HoursRecomputed);
        _months.Add(result.MonthsRecomputed);
        foreach (var kind in result.Failures.GroupBy(f => f.Kind))
        {
            _failedUnits.Add(kind.Count(), new KeyValuePair<string, object?>("kind", kind.Key.ToString().ToLowerInvariant()));
        }
    }

    public void Dispose() => _meter.Dispose();
}
