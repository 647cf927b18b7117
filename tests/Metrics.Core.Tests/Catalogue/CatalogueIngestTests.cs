using Apache.Arrow;
using Metrics.Core.Catalogue;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Core.Tests.Catalogue;

/// <summary>Ingest through the catalogue: both streams land canonical ids, keep the names as sent, and count unknown names.</summary>
public sealed class CatalogueIngestTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 9, 1, 0, TimeSpan.Zero);

    private readonly InMemoryGpuModelStore _models = new();
    private readonly FakeTimeProvider _time = new(s_enqueued);

    private IngestPipeline Pipeline(InMemoryLandingStore landing) =>
        new(landing, new InMemoryWorkMarks()) { Catalogue = new GpuModelCatalogueCache(_models, _time), Time = _time };

    private static EventBatch Batch(TelemetryStream stream, params JsonObject[] events) =>
        new(stream, "0", events.Select((e, i) => new RawEvent(Encoding.UTF8.GetBytes(e.ToJsonString()), i, s_enqueued)).ToArray());

    private static string[] Column(InMemoryLandingStore landing, string name)
    {
        LandingFile file = Assert.Single(landing.Files.Values, f => f.Container == LandingPaths.TelemetryContainer);
        using Apache.Arrow.Ipc.ArrowFileReader reader = ArrowIpc.OpenFile(new MemoryStream(file.Content.ToArray()));
        using RecordBatch batch = reader.ReadNextRecordBatch();
        IArrowArray column = batch.Column(batch.Schema.GetFieldIndex(name));
        return Enumerable.Range(0, batch.Length).Select(r => ArrowCells.Format(column, r)).ToArray();
    }

    [Fact]
    public async Task GpuSamples_LandTheCanonicalId_AndTheNameAsSent_AndCountUnknownNames()
    {
        await _models.ImportAsync([new GpuModel("H100-SXM5-80GB", ["NVIDIA H100 80GB HBM3"])], CancellationToken.None);
        JsonObject sample = EventJson.Gpu(ts: "2026-11-27T09:00:15Z", gpus: 3);
        sample["gpus"]![0]!["model"] = "NVIDIA H100 80GB HBM3";
        sample["gpus"]![1]!["model"] = "nvidia h100 80gb hbm3";
        sample["gpus"]![2]!["model"] = "NVIDIA B200";
        var landing = new InMemoryLandingStore();

        IngestResult result = await Pipeline(landing).IngestAsync(Batch(TelemetryStream.Gpu, sample), CancellationToken.None);

        Assert.Equal(3, result.LandedRows);
        Assert.Equal(["H100-SXM5-80GB", "H100-SXM5-80GB", "NVIDIA B200"], Column(landing, GpuRowSchema.Columns.GpuModel));
        Assert.Equal(
            ["NVIDIA H100 80GB HBM3", "nvidia h100 80gb hbm3", "NVIDIA B200"],
            Column(landing, GpuRowSchema.Columns.GpuModelReported)
        );
        Assert.Equal(new Dictionary<string, long> { ["NVIDIA B200"] = 1 }, result.UnknownModels);
    }

    [Fact]
    public async Task JobEvents_LandTheCanonicalId_AndTheGresTypeAsSent()
    {
        await _models.ImportAsync([new GpuModel("H100-SXM5-80GB", ["h100"])], CancellationToken.None);
        var landing = new InMemoryLandingStore();

        IngestResult result = await Pipeline(landing)
            .IngestAsync(Batch(TelemetryStream.Jobs, EventJson.Job(ts: "2026-11-27T09:00:00Z", model: "h100")), CancellationToken.None);

        Assert.Empty(result.UnknownModels);
        Assert.Equal(["H100-SXM5-80GB"], Column(landing, JobRowSchema.Columns.GpuModel));
        Assert.Equal(["h100"], Column(landing, JobRowSchema.Columns.GpuModelReported));
    }

    [Fact]
    public async Task Cache_ReadsOncePerMaxAge_AndKeepsItsCopyWhenARefreshFails()
    {
        await _models.ImportAsync([new GpuModel("A", ["a"])], CancellationToken.None);
        var cache = new GpuModelCatalogueCache(_models, _time);

        Assert.Equal("A", (await cache.GetAsync(CancellationToken.None)).Find("a"));
        await _models.ImportAsync([new GpuModel("A", ["a2"])], CancellationToken.None);
        Assert.Equal("A", (await cache.GetAsync(CancellationToken.None)).Find("a"));
        Assert.Equal(1, _models.Reads);

        _time.Advance(GpuModelCatalogueCache.DefaultMaxAge);
        Assert.Equal("A", (await cache.GetAsync(CancellationToken.None)).Find("a2"));
        Assert.Equal(2, _models.Reads);

        _models.Fail = true;
        _time.Advance(GpuModelCatalogueCache.DefaultMaxAge);
        Assert.Equal("A", (await cache.GetAsync(CancellationToken.None)).Find("a2"));
        await Assert.ThrowsAsync<IOException>(() => new GpuModelCatalogueCache(_models, _time).GetAsync(CancellationToken.None));
    }
}
