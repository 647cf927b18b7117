using Metrics.Core.Compaction;

namespace Metrics.Integration.Tests;

/// <summary>
/// An hour's recompute reads the next hour's files only where their manifests say they reach back into it: the rest are
/// left unopened, and what is billed is the same as reading them all.
/// </summary>
public sealed class NextHourSkipOnAzuriteTests
{
    private readonly AzuriteStore _azurite = new();

    private const string Model = "H100-SXM5-80GB";

    private BlobLandedFiles Files => new(_azurite.Clients.Blobs);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The hour a test reads; the store is the test's own (<see cref="AzuriteStore"/>), so any fixed hour will do.</summary>
    private static readonly DateTimeOffset s_hour = new(2024, 5, 7, 9, 0, 0, TimeSpan.Zero);

    private string Institution => $"inst-skip-{_run}";

    /// <summary>One sample of one 2-GPU node, landed as a file of its own (its own sequence number, so its own name).</summary>
    private async Task LandAsync(DateTimeOffset ts, int intervalS, long sequence)
    {
        JsonObject sample = EventJson.Gpu(
            node: $"n-{_run}",
            ts: EventJson.Ts(ts),
            gpus: 2,
            institution: Institution,
            utilPct: 50,
            intervalS: intervalS
        );
        foreach (JsonNode? gpu in sample["gpus"]!.AsArray())
        {
            gpu!["model"] = Model;
        }

        var batch = new EventBatch(TelemetryStream.Gpu, $"p{_run}", [new RawEvent(EventJson.Bytes(sample), sequence, ts.AddMinutes(1))]);
        var pipeline = new IngestPipeline(
            new BlobLandingStore(_azurite.Clients.Blobs),
            new TableWorkMarks(_azurite.Clients.Tables, TimeProvider.System),
            new Metrics.Contract.IngestLimits().ForBackfill()
        );
        IngestResult result = await pipeline.IngestAsync(batch, CancellationToken.None);
        Assert.Equal(1, result.LandedEvents);
    }

    [Fact]
    public async Task ReadAsync_NextHoursFilesThatStartAfterTheHour_AreSkippedAndBillingIsUnchanged()
    {
        DateTimeOffset hour = s_hour;
        DateTimeOffset next = hour.AddHours(1);
        await LandAsync(hour.AddMinutes(10), intervalS: 60, sequence: 1); // 60 s in the hour.
        await LandAsync(next.AddSeconds(30), intervalS: 60, sequence: 2); // [next - 30 s, next + 30 s): 30 s in the hour.
        await LandAsync(next.AddMinutes(20), intervalS: 60, sequence: 3); // Starts at next + 19 min: skipped.
        await LandAsync(next.AddMinutes(50), intervalS: 3600, sequence: 4); // Starts at hour + 50 min: 10 min in the hour.

        IReadOnlyList<LandedFileRef> listed = await Files.ListHourWithRowsAsync(TelemetryStream.Gpu, next, CancellationToken.None);
        Assert.Equal(
            [next.AddSeconds(-30), next.AddMinutes(19), hour.AddMinutes(50)],
            listed.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => f.ReachesFrom)
        );

        var reader = new ObservedHourReader(Files, ObservedHourReader.DefaultMaxSamplesInMemory);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed = await reader.ReadAsync(hour, CancellationToken.None);

        Assert.Equal((3, 1), (reader.LastFilesRead, reader.LastFilesSkipped));
        // 2 GPUs x (60 + 600) s at 50 %: the 30 s of the sample at next + 30 s lie within the 3600 s sample's 10 min, and
        // a GPU's second counts once.
        Assert.Equal(new ObservedSeconds(660m, 1320m), observed[new UsageKey(Institution, Model)]);
    }

    [Fact]
    public async Task Compaction_KeepsHowFarBackTheHourReaches_SoItsReadersStillSkipOrRead()
    {
        DateTimeOffset hour = s_hour;
        DateTimeOffset next = hour.AddHours(1);
        DateTimeOffset after = next.AddHours(1);
        await LandAsync(hour.AddMinutes(10), intervalS: 60, sequence: 1);
        await LandAsync(next.AddMinutes(20), intervalS: 60, sequence: 2);
        await LandAsync(next.AddMinutes(50), intervalS: 3600, sequence: 3);
        await LandAsync(after.AddMinutes(30), intervalS: 60, sequence: 4);

        var compactor = new HourCompactor(Files, TimeProvider.System);
        await compactor.CompactAsync(TelemetryStream.Gpu, next, CancellationToken.None);
        await compactor.CompactAsync(TelemetryStream.Gpu, after, CancellationToken.None);

        LandedFileRef compactedNext = Assert.Single(await Files.ListHourWithRowsAsync(TelemetryStream.Gpu, next, CancellationToken.None));
        LandedFileRef compactedAfter = Assert.Single(await Files.ListHourWithRowsAsync(TelemetryStream.Gpu, after, CancellationToken.None));
        Assert.Equal(hour.AddMinutes(50), compactedNext.ReachesFrom);
        Assert.Equal(after.AddMinutes(29), compactedAfter.ReachesFrom);

        // The hour before reaches into the compacted next hour (the 3600 s sample): read. The next hour's own reader skips
        // the hour after, which starts 29 minutes after it ends.
        var reader = new ObservedHourReader(Files, ObservedHourReader.DefaultMaxSamplesInMemory);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed = await reader.ReadAsync(hour, CancellationToken.None);
        Assert.Equal((2, 0), (reader.LastFilesRead, reader.LastFilesSkipped));
        Assert.Equal(new ObservedSeconds(660m, 1320m), observed[new UsageKey(Institution, Model)]);

        observed = await reader.ReadAsync(next, CancellationToken.None);
        Assert.Equal((1, 1), (reader.LastFilesRead, reader.LastFilesSkipped));
        // 50 min of the 3600 s sample, on 2 GPUs at 50 %: the 60 s sample at next + 20 min lies within it, and counts once.
        Assert.Equal(new ObservedSeconds(3000m, 6000m), observed[new UsageKey(Institution, Model)]);
    }
}
