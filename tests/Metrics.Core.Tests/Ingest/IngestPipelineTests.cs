using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Metrics.Core.Tests.Ingest;

public sealed class IngestPipelineTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);

    private readonly InMemoryLandingStore _store = new();
    private readonly InMemoryWorkMarks _dirty = new();

    private IngestPipeline Pipeline => new(_store, _dirty);

    private static EventBatch Batch(TelemetryStream stream, params byte[][] bodies) =>
        new(stream, "5", bodies.Select((b, i) => new RawEvent(b, 100 + i, s_enqueued)).ToArray());

    private static RecordBatch ReadSingleBatch(LandingFile file)
    {
        using ArrowFileReader reader = ArrowIpc.OpenFile(new MemoryStream(file.Content.ToArray()));
        return reader.ReadNextRecordBatch();
    }

    [Fact]
    public async Task IngestAsync_ValidGpuBatch_LandsOneRowPerGpuInOneHourFile()
    {
        EventBatch batch = Batch(
            TelemetryStream.Gpu,
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T09:00:15Z", gpus: 8)),
            EventJson.Bytes(EventJson.Gpu(node: "gn0002", ts: "2026-11-27T09:00:15Z", gpus: 4))
        );

        IngestResult result = await Pipeline.IngestAsync(batch, CancellationToken.None);

        Assert.Equal((2, 2, 12, 0), (result.Events, result.LandedEvents, result.LandedRows, result.DeadLettered));
        LandingFile file = Assert.Single(_store.Files.Values);
        Assert.Equal("telemetry", file.Container);
        Assert.Equal("gpu/v1/date=2026-11-27/hour=09/p5-000000000100-000000000101.arrow", file.Path);
        using RecordBatch rows = ReadSingleBatch(file);
        Assert.Equal(12, rows.Length);
        Assert.Equal("12", file.Metadata[ManifestKeys.Rows]);
        Assert.Equal("2", file.Metadata[ManifestKeys.Events]);
        Assert.Equal("100", file.Metadata[ManifestKeys.FirstSequence]);
        Assert.Equal("101", file.Metadata[ManifestKeys.LastSequence]);
        Assert.Equal("2026-11-27T09:00:15Z", file.Metadata[ManifestKeys.MinTs]);
    }

    [Fact]
    public async Task IngestAsync_GpuSamplesWithIntervals_ManifestSaysHowFarBackTheFileReaches()
    {
        // 09:10:00 less its 3600 s interval reaches further back than 09:00:15 less 15 s: the earliest wins, to the tick.
        EventBatch batch = Batch(
            TelemetryStream.Gpu,
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T09:00:15.5Z", gpus: 1, intervalS: 15)),
            EventJson.Bytes(EventJson.Gpu(node: "gn0002", ts: "2026-11-27T09:10:00Z", gpus: 1, intervalS: 3600)),
            EventJson.Bytes(EventJson.Gpu(node: "gn0003", ts: "2026-11-27T09:20:00Z", gpus: 1, intervalS: 10))
        );

        await Pipeline.IngestAsync(batch, CancellationToken.None);

        LandingFile file = Assert.Single(_store.Files.Values);
        Assert.Equal("2026-11-27T08:10:00Z", file.Metadata[ManifestKeys.ReachesFrom]);
        Assert.Equal(
            new DateTimeOffset(2026, 11, 27, 8, 10, 0, TimeSpan.Zero),
            ManifestKeys.ParseInstant(file.Metadata[ManifestKeys.ReachesFrom])
        );
    }

    [Fact]
    public void ManifestInstant_RoundTripsToTheTick()
    {
        var instant = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

        Assert.Equal("2026-11-27T09:00:00.1234567Z", ManifestKeys.FormatInstant(instant));
        Assert.Equal(instant, ManifestKeys.ParseInstant(ManifestKeys.FormatInstant(instant)));
        Assert.Null(ManifestKeys.ParseInstant("yesterday"));
        Assert.Null(ManifestKeys.ParseInstant(null));
    }

    [Fact]
    public async Task IngestAsync_SamplesInTwoHours_SplitsIntoTwoFilesWithTheirOwnSequenceRanges()
    {
        EventBatch batch = Batch(
            TelemetryStream.Gpu,
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T09:59:45Z", gpus: 1)),
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T10:00:00Z", gpus: 1)),
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T09:59:59Z", gpus: 1)),
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T10:00:15Z", gpus: 1))
        );

        IngestResult result = await Pipeline.IngestAsync(batch, CancellationToken.None);

        Assert.Equal(
            [
                "gpu/v1/date=2026-11-27/hour=09/p5-000000000100-000000000102.arrow",
                "gpu/v1/date=2026-11-27/hour=10/p5-000000000101-000000000103.arrow",
            ],
            _store.Files.Values.Select(f => f.Path).Order(StringComparer.Ordinal)
        );
        Assert.Equal(2, result.Files.Count);
    }

    [Fact]
    public async Task IngestAsync_SampleStampedOnTheHour_MarksTheHourItCoversToo()
    {
        // ts 10:00:00 with a 15 s interval covers 09:59:45-10:00:00: billing of hour 09 changes, and the row lands in hour 10.
        await Pipeline.IngestAsync(
            Batch(TelemetryStream.Gpu, EventJson.Bytes(EventJson.Gpu(ts: "2026-11-27T10:00:00Z"))),
            CancellationToken.None
        );

        Assert.Equal(
            [new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)],
            _dirty.Marks.Keys.Where(k => k.Stream == TelemetryStream.Gpu).Select(k => k.Hour).Order()
        );
    }

    [Fact]
    public async Task IngestAsync_InvalidEventsAmongValid_DeadLettersOnlyThemWithReasons()
    {
        JsonObject quoted = EventJson.Gpu(node: "gn0003");
        quoted["gpus"]![0]!["utilPct"] = "87";
        byte[] notUtf8 = [0xFF, 0xFE, (byte)'{'];
        EventBatch batch = Batch(
            TelemetryStream.Gpu,
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", gpus: 2)),
            EventJson.Bytes(quoted),
            notUtf8,
            EventJson.Bytes(EventJson.Gpu(node: "gn0002", gpus: 2))
        );

        IngestResult result = await Pipeline.IngestAsync(batch, CancellationToken.None);

        Assert.Equal((4, 2, 4, 2), (result.Events, result.LandedEvents, result.LandedRows, result.DeadLettered));
        Assert.Equal(1, result.RejectionsByReason[RejectReason.WrongType]);
        Assert.Equal(1, result.RejectionsByReason[RejectReason.NotUtf8]);

        LandingFile arrow = Assert.Single(_store.Files.Values, f => f.Container == "telemetry");
        Assert.Equal(arrow.Content.Length, result.LandedBytes);
        using (RecordBatch rows = ReadSingleBatch(arrow))
        {
            var sequences = (Int64Array)rows.Column(rows.Schema.GetFieldIndex("eh_sequence"));
            Assert.Equal([100L, 100, 103, 103], sequences.Values.ToArray());
        }

        LandingFile dead = Assert.Single(_store.Files.Values, f => f.Container == "deadletter");
        Assert.Equal("gpu/date=2026-11-27/p5-000000000101-000000000102.jsonl", dead.Path);
        string[] lines = Encoding.UTF8.GetString(dead.Content.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);

        // Readable for people and tools: UTC with Z, quotes in the body escaped as \" rather than \u0022.
        Assert.Contains("\"enqueued\":\"2026-11-27T11:00:00Z\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"body\":\"{\\\"schema\\\":\\\"gpu-telemetry/1\\\"", lines[0], StringComparison.Ordinal);
        using JsonDocument first = JsonDocument.Parse(lines[0]);
        Assert.Equal("wrong-type", first.RootElement.GetProperty("reason").GetString());
        Assert.Contains("gpus[0].utilPct", first.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("5", first.RootElement.GetProperty("partition").GetString());
        Assert.Equal(101, first.RootElement.GetProperty("sequence").GetInt64());
        Assert.Equal(s_enqueued, first.RootElement.GetProperty("enqueued").GetDateTimeOffset());
        Assert.Equal("utf8", first.RootElement.GetProperty("bodyEncoding").GetString());
        Assert.Equal(quoted.ToJsonString(), first.RootElement.GetProperty("body").GetString());

        using JsonDocument second = JsonDocument.Parse(lines[1]);
        Assert.Equal("not-utf8", second.RootElement.GetProperty("reason").GetString());
        Assert.Equal("base64", second.RootElement.GetProperty("bodyEncoding").GetString());
        Assert.Equal(notUtf8, second.RootElement.GetProperty("body").GetBytesFromBase64());
    }

    [Fact]
    public async Task IngestAsync_AllEventsInvalid_WritesOnlyDeadLettersAndMarksNothing()
    {
        IngestResult result = await Pipeline.IngestAsync(
            Batch(TelemetryStream.Jobs, "{"u8.ToArray(), EventJson.Bytes(EventJson.Gpu())),
            CancellationToken.None
        );

        Assert.Equal((2, 0, 2), (result.Events, result.LandedRows, result.DeadLettered));
        Assert.All(_store.Files.Values, f => Assert.Equal("deadletter", f.Container));
        Assert.Empty(_dirty.Marks);
    }

    [Fact]
    public async Task IngestAsync_JobEvents_LandInOneFileUnderTheHourTheyArrived_WhateverTheirTs()
    {
        // A start and an end hours apart, in one batch: one file in the enqueued hour, each row keeping its own ts.
        EventBatch batch = Batch(
            TelemetryStream.Jobs,
            EventJson.Bytes(EventJson.Job(jobId: "1", state: "started", ts: "2026-11-27T08:00:00Z")),
            EventJson.Bytes(EventJson.Job(jobId: "1", state: "ended", ts: "2026-11-27T10:00:00Z"))
        );

        IngestResult result = await Pipeline.IngestAsync(batch, CancellationToken.None);

        Assert.Equal(2, result.LandedRows);
        LandingFile file = Assert.Single(_store.Files.Values);
        Assert.Equal("jobs/v1/date=2026-11-27/hour=11/p5-000000000100-000000000101.arrow", file.Path);
        RecordBatch rows = ReadSingleBatch(file);
        var ts = (TimestampArray)rows.Column(JobRowSchema.Columns.Ts);
        Assert.Equal(
            [new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)],
            Enumerable.Range(0, rows.Length).Select(i => ts.GetTimestamp(i)!.Value)
        );
        Assert.Equal([(TelemetryStream.Jobs, s_enqueued)], _dirty.Marks.Keys.Select(k => (k.Stream, k.Hour)));
    }

    [Fact]
    public async Task IngestAsync_JobEventsEnqueuedEitherSideOfAnHour_LandInTwoFiles()
    {
        DateTimeOffset before = new(2026, 11, 27, 9, 59, 59, TimeSpan.Zero);
        byte[] job = EventJson.Bytes(EventJson.Job(jobId: "1", state: "started", ts: "2026-11-27T09:59:00Z"));
        var batch = new EventBatch(TelemetryStream.Jobs, "5", [new RawEvent(job, 7, before), new RawEvent(job, 8, before.AddSeconds(2))]);

        await Pipeline.IngestAsync(batch, CancellationToken.None);

        Assert.Equal(
            [
                "jobs/v1/date=2026-11-27/hour=09/p5-000000000007-000000000007.arrow",
                "jobs/v1/date=2026-11-27/hour=10/p5-000000000008-000000000008.arrow",
            ],
            _store.Files.Values.Select(f => f.Path).Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public async Task IngestAsync_SameBatchTwice_WritesTheSameNamesWithIdenticalContent()
    {
        EventBatch batch = Batch(
            TelemetryStream.Gpu,
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T09:30:00Z")),
            EventJson.Bytes(EventJson.Gpu(node: "gn0002", ts: "2026-11-27T10:30:00Z")),
            "bad"u8.ToArray()
        );

        await Pipeline.IngestAsync(batch, CancellationToken.None);
        Dictionary<string, byte[]> first = _store.Files.ToDictionary(f => f.Key, f => f.Value.Content.ToArray());
        await Pipeline.IngestAsync(batch, CancellationToken.None);

        Assert.Equal(first.Keys.Order(), _store.Files.Keys.Order());
        Assert.All(first, f => Assert.Equal(f.Value, _store.Files[f.Key].Content.ToArray()));
        Assert.Equal(6, _store.Writes);
    }

    [Fact]
    public async Task IngestAsync_SameBatchAfterAnother_LandsIdenticalContent_WhateverThePooledColumnsHeld()
    {
        // Idle GPUs without power or temperature: null cells, whose slots in the pooled columns are not written row by row.
        JsonObject idle = EventJson.Gpu(node: "gn0001", ts: "2026-11-27T09:30:00Z", jobId: null, institution: null);
        foreach (JsonNode? gpu in idle["gpus"]!.AsArray())
        {
            gpu!.AsObject().Remove("powerW");
            gpu.AsObject().Remove("tempC");
        }

        EventBatch batch = Batch(TelemetryStream.Gpu, EventJson.Bytes(idle));
        await Pipeline.IngestAsync(batch, CancellationToken.None);
        Dictionary<string, byte[]> first = _store.Files.ToDictionary(f => f.Key, f => f.Value.Content.ToArray());

        // A busy batch of the same size in between fills the same pooled arrays with other values.
        byte[] busy = EventJson.Bytes(EventJson.Gpu(node: "gn0002", ts: "2026-11-27T09:40:00Z", utilPct: 99.5));
        await Pipeline.IngestAsync(Batch(TelemetryStream.Gpu, busy), CancellationToken.None);
        await Pipeline.IngestAsync(batch, CancellationToken.None);

        Assert.All(first, f => Assert.Equal(f.Value, _store.Files[f.Key].Content.ToArray()));
    }

    [Fact]
    public async Task IngestAsync_StorageFails_ThrowsAndMarksNoHour()
    {
        _store.FailWith = new IOException("storage is down");

        await Assert.ThrowsAsync<IOException>(() =>
            Pipeline.IngestAsync(Batch(TelemetryStream.Gpu, EventJson.Bytes(EventJson.Gpu())), CancellationToken.None)
        );

        Assert.Empty(_dirty.Marks);
    }

    [Fact]
    public async Task IngestAsync_EmptyBatch_DoesNothing()
    {
        IngestResult result = await Pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, "0", []), CancellationToken.None);

        Assert.Equal(0, result.Events);
        Assert.Empty(_store.Files);
    }

    [Fact]
    public async Task IngestAsync_UnsafePartitionId_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, "../0", []), CancellationToken.None)
        );
    }
}
