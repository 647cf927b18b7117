using System.Diagnostics.Metrics;
using Metrics.Core.Work;

namespace Metrics.Core.Observability;

/// <summary>
/// The pipeline's metrics, through the .NET <see cref="Meter"/> API, which OpenTelemetry exports (to Application Insights
/// from the functions; to the console from the CLI). Names are dotted and lower-case with UCUM units, as OpenTelemetry's
/// conventions ask; where a convention exists for the thing measured its attribute names are used (<c>messaging.*</c>
/// for the hub a batch came from). One instance per meter name: the app uses <see cref="Shared"/>, a test its own name
/// so that tests running at once do not see each other's measurements. What a capability records goes through its own
/// extension methods (<c>IngestMetrics</c>, <c>RollupMetrics</c>), so this class knows none of their types.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "Metrics.Pipeline";

    private readonly Meter _meter;
    internal readonly Counter<long> _events;
    internal readonly Counter<long> _rows;
    internal readonly Counter<long> _deadLetters;
    internal readonly Counter<long> _bytes;
    internal readonly Counter<long> _unknownModels;
    internal readonly Histogram<double> _batchDuration;
    internal readonly Histogram<double> _lag;
    internal readonly Histogram<double> _rollupDuration;
    internal readonly Counter<long> _hours;
    internal readonly Counter<long> _months;
    internal readonly Counter<long> _failedUnits;
    private readonly Gauge<long> _pendingMarks;
    private readonly Gauge<double> _oldestPending;
    private readonly Gauge<long> _monthsOverdue;
    private readonly Gauge<long> _allocations;
    private readonly Counter<long> _poisonedUnits;

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
        _poisonedUnits = _meter.CreateCounter<long>(
            "metrics.units.poisoned",
            "{unit}",
            "Queued units moved to their poison queue after their last attempt, by kind."
        );
        _allocations = _meter.CreateGauge<long>(
            "metrics.allocations",
            "{allocation}",
            "Watched allocations by status (ok, at-risk, exhausted) after the rollup's last threshold pass."
        );
        _oldestPending = _meter.CreateGauge<double>(
            "metrics.rollup.freshness",
            "s",
            "Age of the oldest pending ingest mark when a run starts: how far billing lags behind landed data."
        );
    }

    /// <summary>Months past their close grace still open after the month-close timer's tick (0 when all are closed).</summary>
    public void MonthsOverdue(int months) => _monthsOverdue.Record(months);

    /// <summary>Watched allocations of one status after a threshold pass (<c>status</c>: ok, at-risk, exhausted).</summary>
    public void Allocations(string status, int count) => _allocations.Record(count, new KeyValuePair<string, object?>("status", status));

    /// <summary>A queued unit of <paramref name="kind"/> (<c>compact-gpu</c>, ...) failed its last attempt.</summary>
    public void UnitPoisoned(string kind) => _poisonedUnits.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>The app's instance.</summary>
    public static PipelineMetrics Shared { get; } = new();

    public string Name => _meter.Name;

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

    public void Dispose() => _meter.Dispose();
}
