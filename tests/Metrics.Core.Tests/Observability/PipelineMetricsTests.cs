using Metrics.Core.Observability;
using Metrics.Core.Operations;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Metrics.Core.Tests.Observability;

/// <summary>
/// The pipeline's metrics as OpenTelemetry exports them (its in-memory exporter), after an ingest with known dead
/// letters and a rollup with a known number of hours. Each test has a meter of its own name, so parallel tests do not mix.
/// </summary>
public sealed class PipelineMetricsTests : IDisposable
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);

    private readonly PipelineMetrics _metrics = new($"Metrics.Pipeline.Test.{Guid.NewGuid():N}");
    private readonly List<Metric> _exported = [];
    private readonly MeterProvider _provider;

    public PipelineMetricsTests()
    {
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(_metrics.Name).AddInMemoryExporter(_exported).Build()!;
    }

    public void Dispose()
    {
        _provider.Dispose();
        _metrics.Dispose();
    }

    /// <summary>Every point of a metric, as (attributes joined "k=v,k=v", long or double value).</summary>
    private Dictionary<string, double> Points(string name)
    {
        _exported.Clear();
        _provider.ForceFlush();
        var points = new Dictionary<string, double>();
        foreach (Metric metric in _exported.Where(m => m.Name == name))
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
            {
                var tags = new List<string>();
                foreach (KeyValuePair<string, object?> tag in point.Tags)
                {
                    tags.Add($"{tag.Key}={tag.Value}");
                }

                string key = string.Join(',', tags.Order(StringComparer.Ordinal));
                points[key] = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum => point.GetSumDouble(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                    MetricType.Histogram => point.GetHistogramCount(),
                    _ => double.NaN,
                };
            }
        }

        return points;
    }

    [Fact]
    public async Task Ingest_CountsEventsByOutcome_RowsDeadLettersByReason_AndEachEventsLag()
    {
        var time = new FakeTimeProvider(s_enqueued.AddSeconds(30));
        var pipeline = new IngestPipeline(new InMemoryLandingStore(), new InMemoryWorkMarks()) { Metrics = _metrics, Time = time };
        byte[][] bodies =
        [
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T10:59:50Z", gpus: 8)),
            EventJson.Bytes(EventJson.Gpu(node: "gn0002", ts: "2026-11-27T10:59:50Z", gpus: 4)),
            Encoding.UTF8.GetBytes("{not json"),
        ];

        await pipeline.IngestAsync(
            new EventBatch(TelemetryStream.Gpu, "5", bodies.Select((b, i) => new RawEvent(b, 100 + i, s_enqueued)).ToArray()),
            CancellationToken.None
        );

        Dictionary<string, double> events = Points("metrics.ingest.events");
        Assert.Equal(2, events["messaging.destination.name=gpu,outcome=landed"]);
        Assert.Equal(1, events["messaging.destination.name=gpu,outcome=dead_lettered"]);
        Assert.Equal(0, events["messaging.destination.name=gpu,outcome=internal_error"]);
        Assert.Equal(12, Points("metrics.ingest.rows")["messaging.destination.name=gpu"]);
        Assert.Equal(1, Assert.Single(Points("metrics.ingest.dead_letters")).Value);
        Assert.StartsWith(
            "messaging.destination.name=gpu,reason=",
            Assert.Single(Points("metrics.ingest.dead_letters")).Key,
            StringComparison.Ordinal
        );
        Assert.True(Points("metrics.ingest.landed_bytes")["messaging.destination.name=gpu"] > 0);
        Assert.Equal(1, Points("messaging.process.duration")["messaging.destination.name=gpu,messaging.system=eventhubs"]);

        // Three events, each 30 s after the hub enqueued it: three lag measurements, all in the (25, 50] bucket.
        _exported.Clear();
        _provider.ForceFlush();
        Metric lag = _exported.Single(m => m.Name == "metrics.ingest.lag");
        foreach (ref readonly MetricPoint point in lag.GetMetricPoints())
        {
            Assert.Equal((3, 90.0), (point.GetHistogramCount(), point.GetHistogramSum()));
        }
    }

    [Fact]
    public async Task Rollup_CountsHoursAndMonths_AndHowLongTheOldestMarkWaited()
    {
        var marks = new InMemoryWorkMarks();
        var landed = new InMemoryLandingStore();
        var files = new InMemoryLandedFiles(landed);
        var pipeline = new IngestPipeline(landed, marks) { Metrics = _metrics };
        await pipeline.IngestAsync(
            new EventBatch(
                TelemetryStream.Gpu,
                "0",
                [
                    new RawEvent(EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T09:00:15Z")), 1, s_enqueued),
                    new RawEvent(EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T10:00:15Z")), 2, s_enqueued),
                ]
            ),
            CancellationToken.None
        );
        var rollup = new UsageRollup(
            marks,
            files,
            new InMemoryJobStateStore(),
            new InMemoryUsageStore(),
            new InMemoryWorkLock(),
            BillingCalendar.Create("Asia/Shanghai")
        )
        {
            Metrics = _metrics,
            Time = new FakeTimeProvider(marks.MarkedAt.Add(TimeSpan.FromMinutes(7))),
        };

        RollupResult result = await rollup.RunPendingAsync(CancellationToken.None);

        // Hours 09 and 10 (each sample's 10 s interval stays in its own hour), one month, marked 7 minutes before the run.
        Assert.Equal(result.HoursRecomputed, (int)Points("metrics.rollup.hours")[""]);
        Assert.Equal(2, result.HoursRecomputed);
        Assert.Equal(1, Points("metrics.rollup.months")[""]);
        Assert.Equal(2, Points("metrics.rollup.marks.pending")["kind=gpu"]);
        Assert.Equal(420, Points("metrics.rollup.freshness")[""]);
        Assert.Equal(1, Points("metrics.rollup.duration")["outcome=ok"]);
        Assert.DoesNotContain(Points("metrics.rollup.failed_units"), p => p.Value > 0);
    }

    [Fact]
    public void PoisonedUnitsAndAllocations_AreCountedByKindAndStatus()
    {
        _metrics.UnitPoisoned("compact-gpu");
        _metrics.UnitPoisoned("compact-gpu");
        _metrics.Allocations("exhausted", 3);

        Assert.Equal(2, Points("metrics.units.poisoned")["kind=compact-gpu"]);
        Assert.Equal(3, Points("metrics.allocations")["status=exhausted"]);
    }
}
