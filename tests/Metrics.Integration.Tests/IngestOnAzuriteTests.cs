using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Core.Landing;

namespace Metrics.Integration.Tests;

/// <summary>The ingest path with the real Blob and Table adapters, on _azurite.</summary>
public sealed class IngestOnAzuriteTests
{
    private readonly AzuriteStore _azurite = new();

    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 9, 5, 0, TimeSpan.Zero);

    private readonly string _partition = "it" + Guid.NewGuid().ToString("N")[..10];

    private IngestPipeline Pipeline() =>
        new(new BlobLandingStore(_azurite.Clients.Blobs), new TableWorkMarks(_azurite.Clients.Tables, TimeProvider.System));

    private EventBatch Batch(TelemetryStream stream, IEnumerable<byte[]> bodies) =>
        new(stream, _partition, bodies.Select((b, i) => new RawEvent(b, 1000 + i, s_enqueued)).ToArray());

    private static byte[] Invalid(int i)
    {
        JsonObject e = EventJson.Gpu(node: $"bad{i:D3}", gpus: 1);
        e["gpus"]![0]!["utilPct"] = 150 + i;
        return EventJson.Bytes(e);
    }

    [Fact]
    public async Task Batch_WithBadEvents_LandsValidRowsAndDeadLettersTheRestWithReasons()
    {
        var bodies = new List<byte[]>();
        for (int i = 0; i < 30; i++)
        {
            bodies.Add(EventJson.Bytes(EventJson.Gpu(node: $"gn{i:D4}", ts: $"2026-11-27T08:59:{i + 10:D2}Z", gpus: 8)));
            if (i % 10 == 0)
            {
                bodies.Add(Invalid(i));
            }
        }

        IngestResult result = await Pipeline().IngestAsync(Batch(TelemetryStream.Gpu, bodies), CancellationToken.None);

        Assert.Equal((33, 30, 240, 3), (result.Events, result.LandedEvents, result.LandedRows, result.DeadLettered));
        Dictionary<string, string> landed = await _azurite.ListAsync("telemetry", $"gpu/v1/date=2026-11-27/hour=08/p{_partition}-");
        string name = Assert.Single(landed.Keys);
        Assert.Equal($"gpu/v1/date=2026-11-27/hour=08/p{_partition}-000000001000-000000001032.arrow", name);

        BinaryData content = await _azurite.DownloadAsync("telemetry", name);
        using (ArrowFileReader reader = ArrowIpc.OpenFile(content.ToStream()))
        {
            using RecordBatch rows = reader.ReadNextRecordBatch();
            Assert.Equal(240, rows.Length);
            var util = (DoubleArray)rows.Column(rows.Schema.GetFieldIndex("util_pct"));
            Assert.Equal(240 * 87.0, util.Values.ToArray().Sum(), precision: 6);
        }

        string deadName = Assert.Single((await _azurite.ListAsync("deadletter", $"gpu/date=2026-11-27/p{_partition}-")).Keys);
        string[] lines = (await _azurite.DownloadAsync("deadletter", deadName))
            .ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(
            lines,
            line =>
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                Assert.Equal("out-of-range", doc.RootElement.GetProperty("reason").GetString());
                Assert.Equal(_partition, doc.RootElement.GetProperty("partition").GetString());
                Assert.StartsWith(
                    "{\"schema\":\"gpu-telemetry/1\"",
                    doc.RootElement.GetProperty("body").GetString(),
                    StringComparison.Ordinal
                );
            }
        );
    }

    /// <summary>This test partition's landed and dead-lettered GPU files, by name.</summary>
    private async Task<string[]> PartitionFilesAsync()
    {
        Dictionary<string, string> landed = await _azurite.ListAsync("telemetry", "gpu/v1/");
        Dictionary<string, string> dead = await _azurite.ListAsync("deadletter", "gpu/");
        return landed
            .Keys.Concat(dead.Keys)
            .Where(k => k.Contains($"/p{_partition}-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    [Fact]
    public async Task SameBatchTwice_LeavesExactlyTheSameBlobSet()
    {
        byte[][] bodies =
        [
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T07:59:50Z")),
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T08:00:05Z")),
            Encoding.UTF8.GetBytes("{\"schema\":\"gpu-telemetry/1\""),
        ];
        EventBatch batch = Batch(TelemetryStream.Gpu, bodies);

        await Pipeline().IngestAsync(batch, CancellationToken.None);
        string[] first = await PartitionFilesAsync();
        await Pipeline().IngestAsync(batch, CancellationToken.None);
        string[] second = await PartitionFilesAsync();

        Assert.Equal(3, first.Length);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task JobBatch_LandsAsOneFileInTheHourItArrived_AndMarksThatHour()
    {
        // Events an hour apart, enqueued at 09:05: one file under hour 09, holding both rows.
        byte[][] bodies =
        [
            EventJson.Bytes(EventJson.Job(jobId: "j1", state: "started", ts: "2026-11-27T08:00:00Z")),
            EventJson.Bytes(EventJson.Job(jobId: "j1", state: "ended", ts: "2026-11-27T09:00:00Z")),
        ];

        IngestResult result = await Pipeline().IngestAsync(Batch(TelemetryStream.Jobs, bodies), CancellationToken.None);

        Assert.Equal(2, result.LandedRows);
        string file = Assert.Single(
            (await _azurite.ListAsync("telemetry", "jobs/v1/date=2026-11-27/")).Keys,
            k => k.Contains($"/p{_partition}-", StringComparison.Ordinal)
        );
        Assert.StartsWith("jobs/v1/date=2026-11-27/hour=09/", file, StringComparison.Ordinal);
        var table = _azurite.Clients.Tables.GetTableClient(StorageTables.WorkMarks);
        Assert.True((await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("jobs", "2026112709")).HasValue);
    }
}
