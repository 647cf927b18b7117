using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Core.Tests.Ingest;

/// <summary>
/// <c>AllowedClusters=hefei-aicc-1</c>: an event claiming another cluster is dead-lettered as <c>unknown-cluster</c>, and
/// its neighbours in the batch land; unset, any cluster lands.
/// </summary>
public sealed class AllowedClustersTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);

    private static readonly IngestLimits s_hefeiOnly = IngestLimits.FromSettings(null, null, " hefei-aicc-1 ,");

    private static EventBatch Batch(TelemetryStream stream, params JsonObject[] events) =>
        new(stream, "3", events.Select((e, i) => new RawEvent(EventJson.Bytes(e), 10 + i, s_enqueued)).ToArray());

    [Fact]
    public async Task AJobEventOfAnotherCluster_IsDeadLetteredAsUnknownCluster_AndItsNeighboursLand()
    {
        var store = new InMemoryLandingStore();
        EventBatch batch = Batch(
            TelemetryStream.Jobs,
            EventJson.Job("1", "running", "2026-11-27T10:00:00Z", cluster: EventJson.Cluster),
            EventJson.Job("2", "running", "2026-11-27T10:00:00Z", cluster: "someone-elses"),
            EventJson.Job("3", "running", "2026-11-27T10:00:00Z", cluster: EventJson.Cluster)
        );

        IngestResult result = await new IngestPipeline(store, new InMemoryWorkMarks(), s_hefeiOnly).IngestAsync(
            batch,
            CancellationToken.None
        );

        Assert.Equal((3, 2, 1), (result.Events, result.LandedEvents, result.DeadLettered));
        Assert.Equal(1, result.RejectionsByReason[RejectReason.UnknownCluster]);
        LandingFile deadLetter = Assert.Single(store.Files.Values, f => f.Container == "deadletter");
        string line = Encoding.UTF8.GetString(deadLetter.Content.Span);
        Assert.Contains("\"unknown-cluster\"", line, StringComparison.Ordinal);
        Assert.Contains("cluster 'someone-elses' is not one this deployment accepts (AllowedClusters)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGpuSampleOfAnotherCluster_IsDeadLetteredToo_ThroughTheFastPathsFallback()
    {
        var store = new InMemoryLandingStore();
        JsonObject other = EventJson.Gpu(node: "gn0002");
        other["cluster"] = "someone-elses";

        IngestResult result = await new IngestPipeline(store, new InMemoryWorkMarks(), s_hefeiOnly).IngestAsync(
            Batch(TelemetryStream.Gpu, EventJson.Gpu(node: "gn0001"), other),
            CancellationToken.None
        );

        Assert.Equal((2, 1, 1), (result.Events, result.LandedEvents, result.DeadLettered));
        Assert.Equal(1, result.RejectionsByReason[RejectReason.UnknownCluster]);
    }

    [Fact]
    public async Task Unset_AnyClusterLands()
    {
        IngestResult result = await new IngestPipeline(
            new InMemoryLandingStore(),
            new InMemoryWorkMarks(),
            IngestLimits.FromSettings(null, null, "")
        ).IngestAsync(
            Batch(TelemetryStream.Jobs, EventJson.Job("2", "running", "2026-11-27T10:00:00Z", cluster: "someone-elses")),
            CancellationToken.None
        );

        Assert.Equal(1, result.LandedEvents);
    }

    [Fact]
    public void ASettingThatIsNoClusterId_StopsTheAppNamingTheSetting()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => IngestLimits.FromSettings(null, null, "hefei-aicc-1,bad id!"));

        Assert.Contains("AllowedClusters: 'bad id!' is not a cluster id", refused.Message, StringComparison.Ordinal);
    }
}
