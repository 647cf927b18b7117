using Metrics.Functions.Ingest;
using Microsoft.Extensions.Logging;

namespace Metrics.Functions.Tests;

public sealed class IngestFunctionTests
{
    private static readonly DateTime s_enqueued = new(2026, 11, 27, 9, 1, 0, DateTimeKind.Utc);

    private readonly InMemoryLandingStore _store = new();
    private readonly InMemoryWorkMarks _dirty = new();

    [Fact]
    public async Task GpuTelemetryIngest_BatchWithOneBadEvent_LandsTheRestAndLogsBothOutcomes()
    {
        var logger = new FakeLogger<GpuTelemetryIngest>();
        var function = new GpuTelemetryIngest(new IngestPipeline(_store, _dirty), logger);
        byte[][] events =
        [
            EventJson.Bytes(EventJson.Gpu(node: "gn0001")),
            "not json"u8.ToArray(),
            EventJson.Bytes(EventJson.Gpu(node: "gn0002")),
        ];
        FunctionContext context = FunctionContextBuilder.ForEventHubBatch("3", [10, 11, 12], [s_enqueued, s_enqueued, s_enqueued]);

        await function.RunAsync(events, context, CancellationToken.None);

        Assert.Contains("telemetry/gpu/v1/date=2026-11-27/hour=09/p3-000000000010-000000000012.arrow", _store.Files.Keys);
        Assert.Contains("deadletter/gpu/date=2026-11-27/p3-000000000011-000000000011.jsonl", _store.Files.Keys);
        FakeLogRecord landed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1000);
        Assert.Equal(LogLevel.Information, landed.Level);
        Assert.Equal("16", landed.StructuredState!.Single(p => p.Key == "Rows").Value);
        Assert.Equal("1", landed.StructuredState!.Single(p => p.Key == "DeadLettered").Value);
        FakeLogRecord dead = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1001);
        Assert.Equal(LogLevel.Warning, dead.Level);
        Assert.Equal("malformed-json", dead.StructuredState!.Single(p => p.Key == "Reason").Value);
    }

    [Fact]
    public async Task JobEventsIngest_Batch_LandsJobRowsUnderTheHourEventHubsEnqueuedThem()
    {
        var function = new JobEventsIngest(new IngestPipeline(_store, _dirty), new FakeLogger<JobEventsIngest>());
        byte[][] events = [EventJson.Bytes(EventJson.Job(state: "started", ts: "2026-11-27T08:00:00Z"))];
        FunctionContext context = FunctionContextBuilder.ForEventHubBatch("0", [5], [s_enqueued]);

        await function.RunAsync(events, context, CancellationToken.None);

        // Filed by the enqueued time the binding reports (09:xx), not the event's ts (08:00).
        Assert.Equal(["telemetry/jobs/v1/date=2026-11-27/hour=09/p0-000000000005-000000000005.arrow"], _store.Files.Keys);
    }

    /// <summary>The trigger checkpoints even after a failed invocation: only a throw (and the retry policy) holds the batch.</summary>
    [Fact]
    public async Task GpuTelemetryIngest_StorageDown_ThrowsSoTheRetryPolicyHoldsTheCheckpoint()
    {
        _store.FailWith = new IOException("storage unavailable");
        var function = new GpuTelemetryIngest(new IngestPipeline(_store, _dirty), new FakeLogger<GpuTelemetryIngest>());
        FunctionContext context = FunctionContextBuilder.ForEventHubBatch("0", [1], [s_enqueued]);

        await Assert.ThrowsAsync<IOException>(() => function.RunAsync([EventJson.Bytes(EventJson.Gpu())], context, CancellationToken.None));
        Assert.Empty(_dirty.Marks);
    }
}
