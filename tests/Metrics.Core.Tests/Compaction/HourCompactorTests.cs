using Metrics.Core.Compaction;

namespace Metrics.Core.Tests.Compaction;

/// <summary>
/// Compaction of one stream-hour on the in-memory landed-hour store (the Blob adapter's rules: files created, never
/// replaced): what it keeps, the order it writes, that billing reads the same before and after, and that a second writer
/// of the same generation lands nothing.
/// </summary>
public sealed class HourCompactorTests
{
    internal static readonly DateTimeOffset s_hour = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// 12 nodes' samples of 2 GPUs every 60 s through the hour (1,440 rows), in batches of 40 on two partitions; then 20
    /// of them again with other batch bounds (a host redelivery: 40 rows of exact replays) and 10 samples resent by their
    /// nodes on a third partition (new sequence numbers: 20 rows kept, for billing to deduplicate).
    /// </summary>
    internal static async Task<InMemoryLandedHourStore> LandAsync()
    {
        var store = new InMemoryLandedHourStore();
        var pipeline = new IngestPipeline(store, new InMemoryWorkMarks(), new IngestLimits().ForBackfill());
        RawEvent[] events = Enumerable
            .Range(0, 720)
            .Select(i => new RawEvent(
                EventJson.Bytes(
                    EventJson.Gpu(
                        node: $"gn{i % 12:D4}",
                        ts: EventJson.Ts(s_hour.AddMinutes(i / 12).AddSeconds(30)),
                        gpus: 2,
                        utilPct: i % 101,
                        intervalS: 60
                    )
                ),
                i,
                s_hour.AddHours(2)
            ))
            .ToArray();
        for (int start = 0; start < events.Length; start += 40)
        {
            string partition = (start / 40 % 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, partition, events[start..(start + 40)]), CancellationToken.None);
        }

        await pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, "0", events[90..110]), CancellationToken.None);
        RawEvent[] resent = [.. events[200..210].Select((e, i) => e with { SequenceNumber = 9000 + i })];
        await pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, "7", resent), CancellationToken.None);
        return store;
    }

    private static async Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> BillingInputAsync(InMemoryLandedHourStore store) =>
        await new ObservedHourReader(store, 1_000_000).ReadAsync(s_hour, CancellationToken.None);

    private static async Task<IReadOnlyList<GpuSampleRow>> RowsAsync(InMemoryLandedHourStore store, string path) =>
        await Metrics.Core.Tests.Landing.LandedGpuRows.ReadAsync(
            await store.OpenAsync(path, CancellationToken.None),
            CancellationToken.None
        );

    /// <summary>
    /// The hour read shard by shard, as the rollup's units read it (<paramref name="afterEach"/> after each), and their
    /// observed seconds added up by line.
    /// </summary>
    private static async Task<Dictionary<UsageKey, ObservedSeconds>> SumShardsAsync(
        ObservedHourReader reader,
        int shards,
        Action? afterEach = null
    )
    {
        var summed = new Dictionary<UsageKey, ObservedSeconds>();
        for (int shard = 0; shard < shards; shard++)
        {
            foreach (
                (UsageKey key, ObservedSeconds seconds) in await reader.ReadShardAsync(
                    s_hour,
                    JobAccounts.None,
                    new HourShard(shard, shards),
                    CancellationToken.None
                )
            )
            {
                summed[key] = summed.GetValueOrDefault(key) + seconds;
            }

            afterEach?.Invoke();
        }

        return summed;
    }

    [Fact]
    public async Task AClosedHour_BecomesOneSortedFile_WithEachReplayOnce_AndBillsTheSame()
    {
        InMemoryLandedHourStore store = await LandAsync();
        IReadOnlyDictionary<UsageKey, ObservedSeconds> before = await BillingInputAsync(store);
        int landed = (await store.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None)).Count;

        HourCompaction done = await new HourCompactor(store, TimeProvider.System).CompactAsync(
            TelemetryStream.Gpu,
            s_hour,
            CancellationToken.None
        );

        string data = LandingPaths.CompactedFile(TelemetryStream.Gpu, s_hour, 1);
        Assert.Equal((1, landed, 1500L, 1460L), (done.Generation, done.Sources, done.RowsIn, done.RowsOut));
        Assert.Equal([data], await store.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None));
        Assert.Equal(
            [data, LandingPaths.CompactionManifestFile(TelemetryStream.Gpu, s_hour, 1)],
            (await store.ListHourBlobsAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None)).Select(b => b.Path)
        );
        IReadOnlyList<GpuSampleRow> rows = await RowsAsync(store, data);
        Assert.Equal(
            rows.OrderBy(r => r.GpuUuid, StringComparer.Ordinal)
                .ThenBy(r => r.Ts)
                .ThenBy(r => r.Partition, StringComparer.Ordinal)
                .ThenBy(r => r.Sequence),
            rows
        );
        Assert.Equal(before.OrderBy(p => p.Key), (await BillingInputAsync(store)).OrderBy(p => p.Key));

        // A unit of a plan made before the compaction (3 shards) reads the one sorted file, keeping its shard's GPUs.
        var reader = new ObservedHourReader(store, 1_000_000);
        Dictionary<UsageKey, ObservedSeconds> summed = await SumShardsAsync(reader, 3);

        Assert.Equal(before.OrderBy(p => p.Key), summed.OrderBy(p => p.Key));
    }

    /// <summary>
    /// Past the bound on rows in memory, a GPU hour is written as one file per bound's worth of rows, by shard of uuid
    /// hash: each file sorted, each GPU in the file of its shard, together the rows of the one-file compaction; and the
    /// hour bills the same read whole, or shard by shard as the rollup's units read it (each its one file).
    /// </summary>
    [Fact]
    public async Task ABoundOnRowsInMemory_WritesOneSortedFilePerShardOfUuidHash_WithTheSameRows_AndBillsTheSame()
    {
        InMemoryLandedHourStore whole = await LandAsync();
        InMemoryLandedHourStore bounded = await LandAsync();
        IReadOnlyDictionary<UsageKey, ObservedSeconds> before = await BillingInputAsync(bounded);

        await new HourCompactor(whole, TimeProvider.System).CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);
        HourCompaction done = await new HourCompactor(bounded, TimeProvider.System)
        {
            MaxRowsInMemory = 100,
            RowsPerBatch = 64,
        }.CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);

        // 1,500 rows under a bound of 100: 15 files.
        string[] files = Enumerable.Range(0, 15).Select(s => LandingPaths.CompactedFile(TelemetryStream.Gpu, s_hour, 1, s, 15)).ToArray();
        Assert.Equal(files, await bounded.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None));
        Assert.Equal(1460L, done.RowsOut);
        var all = new List<GpuSampleRow>();
        for (int shard = 0; shard < files.Length; shard++)
        {
            IReadOnlyList<GpuSampleRow> rows = await RowsAsync(bounded, files[shard]);
            Assert.Equal(rows.OrderBy(r => r.GpuUuid, StringComparer.Ordinal).ThenBy(r => r.Ts), rows);
            Assert.All(rows, r => Assert.Equal(shard, ObservedHour.ShardOf(GpuUuidBits.Parse(r.GpuUuid.AsSpan(), out _), files.Length)));
            all.AddRange(rows);
        }

        IReadOnlyList<GpuSampleRow> one = await RowsAsync(whole, LandingPaths.CompactedFile(TelemetryStream.Gpu, s_hour, 1));
        Assert.Equal(
            one,
            all.OrderBy(r => r.GpuUuid, StringComparer.Ordinal).ThenBy(r => r.Ts).ThenBy(r => r.Partition).ThenBy(r => r.Sequence)
        );
        Assert.Equal(before.OrderBy(p => p.Key), (await BillingInputAsync(bounded)).OrderBy(p => p.Key));

        var reader = new ObservedHourReader(bounded, 1_000_000);
        Assert.Equal(15, await reader.ShardsForAsync(s_hour, CancellationToken.None));
        // Each unit reads its one file.
        Dictionary<UsageKey, ObservedSeconds> summed = await SumShardsAsync(
            reader,
            files.Length,
            () => Assert.Equal((1, 1), (reader.LastFilesRead, reader.LastShards))
        );

        Assert.Equal(before.OrderBy(p => p.Key), summed.OrderBy(p => p.Key));
    }

    /// <summary>More files than GPUs: the shards no GPU hashes to are still files, empty and readable.</summary>
    [Fact]
    public async Task MoreShardsThanGpus_LeavesEmptyButReadableFiles_AndBillsTheSame()
    {
        var store = new InMemoryLandedHourStore();
        var pipeline = new IngestPipeline(store, new InMemoryWorkMarks(), new IngestLimits().ForBackfill());
        RawEvent[] events = Enumerable
            .Range(0, 60)
            .Select(i => new RawEvent(
                EventJson.Bytes(EventJson.Gpu(ts: EventJson.Ts(s_hour.AddMinutes(i).AddSeconds(30)), gpus: 2, intervalS: 60)),
                i,
                s_hour.AddHours(2)
            ))
            .ToArray();
        await pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, "0", events), CancellationToken.None);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> before = await BillingInputAsync(store);

        await new HourCompactor(store, TimeProvider.System) { MaxRowsInMemory = 10 }.CompactAsync(
            TelemetryStream.Gpu,
            s_hour,
            CancellationToken.None
        );

        IReadOnlyList<string> files = await store.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);
        Assert.Equal(12, files.Count);
        int[] rows = await Task.WhenAll(files.Select(async f => (await RowsAsync(store, f)).Count));
        Assert.Equal((120, 10), (rows.Sum(), rows.Count(r => r == 0)));
        Assert.Equal(before.OrderBy(p => p.Key), (await BillingInputAsync(store)).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task NothingNew_IsANoOp_AndALateFileMakesTheNextGeneration()
    {
        InMemoryLandedHourStore store = await LandAsync();
        var compactor = new HourCompactor(store, TimeProvider.System);
        HourCompaction first = await compactor.CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);

        HourCompaction idle = await compactor.CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);
        var pipeline = new IngestPipeline(store, new InMemoryWorkMarks(), new IngestLimits().ForBackfill());
        byte[] late = EventJson.Bytes(EventJson.Gpu(node: "late-node", ts: EventJson.Ts(s_hour.AddMinutes(42)), gpus: 1, intervalS: 60));
        await pipeline.IngestAsync(
            new EventBatch(TelemetryStream.Gpu, "3", [new RawEvent(late, 1, s_hour.AddHours(2))]),
            CancellationToken.None
        );
        HourCompaction second = await compactor.CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);

        Assert.Equal((1, 0), (idle.Generation, idle.Sources));
        Assert.Equal((2, 2, first.RowsOut + 1), (second.Generation, second.Sources, second.RowsOut));
        Assert.Equal(
            [LandingPaths.CompactedFile(TelemetryStream.Gpu, s_hour, 2)],
            await store.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None)
        );
    }

    [Fact]
    public async Task AStaleCompactor_WakingToWriteAGenerationAnotherWrote_IsRefused_AndTheOthersFileStands()
    {
        InMemoryLandedHourStore store = await LandAsync();
        IReadOnlyDictionary<UsageKey, ObservedSeconds> before = await BillingInputAsync(store);
        var stale = new HourCompactor(
            new ActBeforeFirstWrite(
                store,
                () => new HourCompactor(store, TimeProvider.System).CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None)
            ),
            TimeProvider.System
        );

        IOException refused = await Assert.ThrowsAsync<IOException>(() =>
            stale.CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None)
        );

        Assert.Contains("exists already", refused.Message, StringComparison.Ordinal);
        Assert.Equal(
            [LandingPaths.CompactedFile(TelemetryStream.Gpu, s_hour, 1)],
            await store.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None)
        );
        Assert.Equal(before.OrderBy(p => p.Key), (await BillingInputAsync(store)).OrderBy(p => p.Key));
    }
}
