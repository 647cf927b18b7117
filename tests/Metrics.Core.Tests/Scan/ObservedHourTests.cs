namespace Metrics.Core.Tests.Scan;

/// <summary>
/// The streaming, sharded observed-time scan against the plain definition: deduplicate by (uuid, ts) keeping the lowest
/// (partition, sequence), then sum what of each winner's interval inside the hour its GPU's earlier winners did not
/// cover. Whatever the order, copies and shard count.
/// </summary>
public sealed class ObservedHourTests
{
    private static readonly DateTimeOffset s_hour = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The definition, written the slow and obvious way.</summary>
    private static Dictionary<UsageKey, ObservedSeconds> Reference(IEnumerable<GpuSampleRow> samples)
    {
        long start = s_hour.UtcTicks,
            end = s_hour.AddHours(1).UtcTicks;
        var totals = new Dictionary<UsageKey, ObservedSeconds>();
        var winners = samples
            .Where(s => s.Ts.UtcTicks > start && s.Ts.UtcTicks - (s.IntervalS * TimeSpan.TicksPerSecond) < end)
            .GroupBy(s => (s.GpuUuid.ToUpperInvariant(), s.Ts))
            .Select(g => g.OrderBy(s => s.Partition, StringComparer.Ordinal).ThenBy(s => s.Sequence).First());
        foreach (var gpu in winners.GroupBy(s => s.GpuUuid.ToUpperInvariant()))
        {
            var earlier = new List<(long From, long To)>();
            foreach (GpuSampleRow s in gpu.OrderBy(s => s.Ts))
            {
                // The part of [ts - interval, ts) inside the hour, in ticks, less what the GPU's earlier samples covered
                // (a sweep over them in order of start): not the production helper this checks.
                long from = Math.Max(s.Ts.UtcTicks - (s.IntervalS * TimeSpan.TicksPerSecond), start);
                long to = Math.Min(s.Ts.UtcTicks, end);
                long fresh = to - from,
                    cursor = from;
                foreach ((long coveredFrom, long coveredTo) in earlier.Where(c => c.To > from && c.From < to).OrderBy(c => c.From))
                {
                    long overlapFrom = Math.Max(coveredFrom, cursor),
                        overlapTo = Math.Min(coveredTo, to);
                    if (overlapTo > overlapFrom)
                    {
                        fresh -= overlapTo - overlapFrom;
                        cursor = overlapTo;
                    }
                }

                earlier.Add((from, to));
                if (s.Institution is null || fresh <= 0)
                {
                    continue;
                }

                decimal seconds = fresh / (decimal)TimeSpan.TicksPerSecond;
                var key = new UsageKey(s.Institution, s.GpuModel);
                totals[key] = totals.GetValueOrDefault(key) + new ObservedSeconds((decimal)s.UtilPct / 100m * seconds, seconds);
            }
        }

        return totals;
    }

    private static Dictionary<UsageKey, ObservedSeconds> Scan(IEnumerable<GpuSampleRow> samples, int shards)
    {
        var totals = new Dictionary<UsageKey, ObservedSeconds>();
        GpuSampleRow[] all = samples.ToArray();
        for (int shard = 0; shard < shards; shard++)
        {
            var scan = new ObservedHour(s_hour, shard, shards);
            foreach (GpuSampleRow sample in all)
            {
                scan.Add(sample);
            }

            foreach ((UsageKey key, ObservedSeconds seconds) in scan.Totals())
            {
                totals[key] = totals.GetValueOrDefault(key) + seconds;
            }
        }

        return totals;
    }

    private static readonly Gen<GpuSampleRow> s_sample = Gen.Select(
        Gen.Int[0, 11],
        Gen.Bool,
        Gen.Int[-400, 4000],
        Gen.OneOf<string?>("inst-00001", "inst-00002", "inst-00003", null),
        Gen.Int[0, 100],
        Gen.OneOf("0", "1", "10", "2"),
        (gpu, upper, second, institution, util, partition) =>
        {
            // A GPU's node samples at one interval, so every copy of a sample carries the same interval.
            int interval = new[] { 10, 15, 60, 3600 }[gpu % 4];
            string uuid = EventJson.GpuUuid($"gn{gpu % 4}", gpu);
            return new GpuSampleRow(
                s_hour.AddSeconds(second),
                upper ? uuid.ToUpperInvariant() : uuid,
                gpu % 3 == 0 ? "A100-SXM4-40GB" : "H100-SXM5-80GB",
                institution,
                util + 0.25,
                interval,
                partition,
                0
            );
        }
    );

    [Fact]
    public void AnyOrderCopiesAndShardCount_EqualTheDefinition()
    {
        // Copies of a sample share its (uuid, ts) and interval, as a resend does; everything else may differ.
        // (partition, sequence) names one event, and an event names a GPU once, so no two rows tie on it.
        Gen<GpuSampleRow[]> batches = s_sample
            .Array[1, 120]
            .Select(samples => samples.Select((s, i) => s with { Sequence = i }).ToArray())
            .SelectMany(samples =>
                Gen.Int[0, samples.Length]
                    .Array[0, 60]
                    .Select(picks =>
                        samples
                            .Concat(
                                picks
                                    .Where(i => i < samples.Length)
                                    .Select(
                                        (i, n) =>
                                            samples[i] with
                                            {
                                                Partition = n % 2 == 0 ? "1" : "0",
                                                Sequence = 1000 + n,
                                                UtilPct = 99,
                                                Institution = "inst-00009",
                                            }
                                    )
                            )
                            .ToArray()
                    )
            );

        batches.Sample(
            samples =>
            {
                Dictionary<UsageKey, ObservedSeconds> expected = Reference(samples);
                foreach (int shards in new[] { 1, 2, 3, 7 })
                {
                    Dictionary<UsageKey, ObservedSeconds> actual = Scan(samples.Reverse(), shards);
                    Assert.Equal(expected.OrderBy(p => p.Key).ToArray(), actual.OrderBy(p => p.Key).ToArray());
                }
            },
            iter: 300
        );
    }

    /// <summary>
    /// <paramref name="count"/> node samples taking turns over <paramref name="nodes"/> nodes, sample i stamped
    /// <paramref name="secondsIntoHour"/>(i) after the hour, with utilisation i % 97, numbered i.
    /// </summary>
    private static RawEvent[] Samples(
        int count,
        int nodes,
        int gpus,
        int intervalS,
        Func<int, int> secondsIntoHour,
        DateTimeOffset enqueued
    ) =>
        Enumerable
            .Range(0, count)
            .Select(i =>
            {
                string ts = EventJson.Ts(s_hour.AddSeconds(secondsIntoHour(i)));
                byte[] body = EventJson.Bytes(
                    EventJson.Gpu(node: $"gn{i % nodes:D4}", ts: ts, gpus: gpus, utilPct: i % 97, intervalS: intervalS)
                );
                return new RawEvent(body, i, enqueued);
            })
            .ToArray();

    [Fact]
    public async Task LandedBatches_ReadColumnByColumn_EqualTheSameRowsAsRecords_InAnyShardCount()
    {
        // 4,200 GPUs (more than the uuid cache's 4,096 slots, so slots are shared and overwritten) and a seventh of the
        // events resent in another partition: the batch path must give what the record path gives, in 1 and 3 shards.
        var landing = new InMemoryLandingStore();
        var pipeline = new IngestPipeline(landing, new InMemoryWorkMarks());
        DateTimeOffset enqueued = s_hour.AddHours(2);
        RawEvent[] events = Samples(2100, nodes: 700, gpus: 6, intervalS: 60, secondsIntoHour: i => 60 * (1 + (i / 700)), enqueued);
        await pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, "0", events), CancellationToken.None);
        await pipeline.IngestAsync(
            new EventBatch(TelemetryStream.Gpu, "1", events.Where((_, i) => i % 7 == 0).ToArray()),
            CancellationToken.None
        );
        var files = new InMemoryLandedFiles(landing);
        var rows = new List<GpuSampleRow>();
        foreach (string path in await files.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None))
        {
            rows.AddRange(
                await Metrics.Core.Tests.Landing.LandedGpuRows.ReadAsync(
                    await files.OpenAsync(path, CancellationToken.None),
                    CancellationToken.None
                )
            );
        }

        foreach (int shards in new[] { 1, 3 })
        {
            var batches = new Dictionary<UsageKey, ObservedSeconds>();
            for (int shard = 0; shard < shards; shard++)
            {
                var scan = new ObservedHour(s_hour, shard, shards);
                foreach (string path in await files.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None))
                {
                    await foreach (
                        Apache.Arrow.RecordBatch batch in Metrics.Core.Landing.ArrowIpc.ReadBatchesAsync(
                            await files.OpenAsync(path, CancellationToken.None),
                            CancellationToken.None
                        )
                    )
                    {
                        scan.Add(batch);
                    }
                }

                foreach ((UsageKey key, ObservedSeconds seconds) in scan.Totals())
                {
                    batches[key] = batches.GetValueOrDefault(key) + seconds;
                }
            }

            Assert.Equal(Scan(rows, 1).OrderBy(p => p.Key).ToArray(), batches.OrderBy(p => p.Key).ToArray());
        }

        Assert.Equal(Reference(rows).OrderBy(p => p.Key).ToArray(), Scan(rows, 1).OrderBy(p => p.Key).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reader_SmallBound_ReadsInShardsWithinTheBound_AndSumsToTheSameTotals(bool hideRowCounts)
    {
        // 600 node samples of 2 GPUs at 6 s, 40 nodes, in 12 batches over two partitions; a tenth resent in a third.
        var landing = new InMemoryLandingStore();
        var pipeline = new IngestPipeline(landing, new InMemoryWorkMarks());
        DateTimeOffset enqueued = s_hour.AddHours(2);
        RawEvent[] events = Samples(600, nodes: 40, gpus: 2, intervalS: 240, secondsIntoHour: i => 6 * (i + 1), enqueued);
        for (int b = 0; b < 12; b++)
        {
            await pipeline.IngestAsync(
                new EventBatch(
                    TelemetryStream.Gpu,
                    (b % 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    events[(b * 50)..((b + 1) * 50)]
                ),
                CancellationToken.None
            );
        }

        await pipeline.IngestAsync(
            new EventBatch(TelemetryStream.Gpu, "7", events.Where((_, i) => i % 10 == 3).ToArray()),
            CancellationToken.None
        );
        var files = new InMemoryLandedFiles(landing) { HideRowCounts = hideRowCounts };

        var whole = new ObservedHourReader(files, maxSamplesInMemory: 1_000_000);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> expected = await whole.ReadAsync(s_hour, CancellationToken.None);
        var bounded = new ObservedHourReader(files, maxSamplesInMemory: 100);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> actual = await bounded.ReadAsync(s_hour, CancellationToken.None);

        Assert.Equal(1, whole.LastShards);
        Assert.Equal(1200, whole.LastPeakSamples);
        Assert.True(bounded.LastShards >= 12, $"shards: {bounded.LastShards}");
        Assert.True(
            bounded.LastPeakSamples <= 100 + 120,
            $"peak {bounded.LastPeakSamples}: at most the bound plus one file (120 rows at most)"
        );
        Assert.Equal(expected.OrderBy(p => p.Key).ToArray(), actual.OrderBy(p => p.Key).ToArray());
        Assert.Equal(1200 * 240m, expected.Values.Sum(v => v.Observed) + LostToTheHourStart());
    }

    [Fact]
    public async Task Reader_AFileNamedCompactedButNotSorted_IsReadTheGeneralWay_WithTheSameTotals()
    {
        // 40 nodes' samples in landing order: rows go node by node, so gpu_uuid is not sorted, and resends repeat samples.
        var landing = new InMemoryLandingStore();
        var pipeline = new IngestPipeline(landing, new InMemoryWorkMarks());
        RawEvent[] events = Enumerable
            .Range(0, 120)
            .Select(i => new RawEvent(
                EventJson.Bytes(
                    EventJson.Gpu(
                        node: $"gn{i % 40:D4}",
                        ts: EventJson.Ts(s_hour.AddSeconds(30 * ((i % 80) + 1))),
                        gpus: 2,
                        utilPct: i % 7 * 10.5,
                        intervalS: 30
                    )
                ),
                i,
                s_hour.AddHours(2)
            ))
            .ToArray();
        await pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, "0", events), CancellationToken.None);
        var files = new InMemoryLandedFiles(landing);
        var general = new ObservedHourReader(files, 1_000_000);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> expected = await general.ReadAsync(s_hour, CancellationToken.None);

        string key = Assert.Single(landing.Files.Keys);
        string compacted = LandingPaths.CompactedFile(TelemetryStream.Gpu, s_hour, 1);
        Assert.True(landing.Files.TryRemove(key, out LandingFile? file));
        landing.Files[$"{LandingPaths.TelemetryContainer}/{compacted}"] = file with { Path = compacted };
        var reader = new ObservedHourReader(files, 1_000_000);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> actual = await reader.ReadAsync(s_hour, CancellationToken.None);

        Assert.Equal(expected.OrderBy(p => p.Key).ToArray(), actual.OrderBy(p => p.Key).ToArray());
        Assert.Equal(general.LastPeakSamples, reader.LastPeakSamples);
        Assert.True(reader.LastPeakSamples > 0, "The sorted read gave up, and the table read counted the samples.");
    }

    /// <summary>
    /// One GPU at 10 s whose node clock is stepped back 8 s after 30 s, and 1 s more across the hour's end: samples at
    /// 10, 20, 30, then 32, 42 ... 3,592, then 3,601 and 3,611 (the next hour's folder). Each second of the hour is
    /// covered, some twice; counted once, it is 3,600 s observed and 1,800 s active at 50 %, where summing the intervals
    /// gives 3,609 s. The same whether the hour is read the general way or as a compacted (sorted) file.
    /// </summary>
    [Fact]
    public async Task AClockSteppedBack_CountsEachSecondOnce_ReadTheGeneralWayOrSorted()
    {
        int[] seconds = [10, 20, 30, .. Enumerable.Range(0, 357).Select(j => 32 + (10 * j)), 3601, 3611];
        var landing = new InMemoryLandingStore();
        var pipeline = new IngestPipeline(landing, new InMemoryWorkMarks());
        RawEvent[] events =
        [
            .. seconds.Select(
                (second, i) =>
                    new RawEvent(
                        EventJson.Bytes(
                            EventJson.Gpu(node: "gn0001", ts: EventJson.Ts(s_hour.AddSeconds(second)), gpus: 1, utilPct: 50, intervalS: 10)
                        ),
                        i,
                        s_hour.AddHours(2)
                    )
            ),
        ];
        await pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, "0", events), CancellationToken.None);
        var files = new InMemoryLandedFiles(landing);
        var general = new ObservedHourReader(files, 1_000_000);
        ObservedSeconds read = Assert.Single(await general.ReadAsync(s_hour, CancellationToken.None)).Value;

        string own = Assert.Single(await files.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None));
        string compacted = LandingPaths.CompactedFile(TelemetryStream.Gpu, s_hour, 1);
        string key = Assert.Single(landing.Files.Keys, k => k.EndsWith(own, StringComparison.Ordinal));
        Assert.True(landing.Files.TryRemove(key, out LandingFile? file));
        landing.Files[$"{LandingPaths.TelemetryContainer}/{compacted}"] = file with { Path = compacted };
        var sorted = new ObservedHourReader(files, 1_000_000);
        ObservedSeconds readSorted = Assert.Single(await sorted.ReadAsync(s_hour, CancellationToken.None)).Value;

        Assert.Equal(new ObservedSeconds(1800m, 3600m), read);
        Assert.Equal(read, readSorted);
        Assert.True(sorted.LastPeakSamples < general.LastPeakSamples, "The compacted file was read sorted, holding no sample of its own.");
    }

    /// <summary>
    /// Samples of GPUs reporting every 10 s from the hour's start: <paramref name="gpus"/> GPUs, <paramref name="steps"/> each.
    /// </summary>
    private static IEnumerable<GpuSampleRow> EveryTenSeconds(int gpus, int steps) =>
        Enumerable
            .Range(1, steps)
            .SelectMany(step =>
                Enumerable
                    .Range(0, gpus)
                    .Select(g => new GpuSampleRow(
                        s_hour.AddSeconds(10 * step),
                        $"GPU-00000000-0000-0000-0000-{g:D12}",
                        "H100",
                        "inst-1",
                        50,
                        10,
                        "0",
                        (step * gpus) + g
                    ))
            );

    [Fact]
    public void GpusReportingAllHour_GetListsSizedForTheHourOnce_NoRoomLeftOver()
    {
        // 360 samples at 10 s: at the 17th (170 s) the list grows once, to the 16 held plus the 343 the hour still holds
        // and two of slack, 361, which the lists' size classes (multiples of 64) make 384.
        var scan = new ObservedHour(s_hour);
        foreach (GpuSampleRow sample in EveryTenSeconds(gpus: 3, steps: 360))
        {
            scan.Add(sample);
        }

        Assert.Equal((3 * 360, 3 * 384L), (scan.Count, scan.Room));
    }

    [Theory]
    [InlineData(100, 3 * 64)] // no room for any jump: every list doubles, 16 -> 32 -> 64
    [InlineData(1000, 384 + 384 + 64)] // room for two lists sized for the hour; the third doubles
    public void ListsRoom_StaysWithinItsBound_ListsDoublingOnceItIsReached(long maxRoom, long finalRoom)
    {
        var scan = new ObservedHour(s_hour, maxRoom: maxRoom);
        foreach (GpuSampleRow sample in EveryTenSeconds(gpus: 3, steps: 40))
        {
            scan.Add(sample);
            Assert.True(scan.Room <= Math.Max(maxRoom, 2L * scan.Count), $"room {scan.Room} for {scan.Count} samples");
        }

        Assert.Equal((120, finalRoom), (scan.Count, scan.Room));
    }

    [Fact]
    public void ADisposedScan_GivesItsListsBack_AndTheNextScanOfTheSameHourReusesThemWithTheSameTotals()
    {
        GpuSampleRow[] samples = EveryTenSeconds(gpus: 4, steps: 360).ToArray();
        IReadOnlyDictionary<UsageKey, ObservedSeconds> first;
        using (var scan = new ObservedHour(s_hour))
        {
            foreach (GpuSampleRow sample in samples)
            {
                scan.Add(sample);
            }

            first = scan.Totals();
            scan.Dispose();
            Assert.Equal((0, 0L), (scan.Count, scan.Room));
        }

        // Reused lists hold the last scan's values in their unused slots: the totals must not see them.
        using var again = new ObservedHour(s_hour);
        foreach (GpuSampleRow sample in samples.Take(100))
        {
            again.Add(sample);
        }

        Assert.Equal(100 * 10m, again.Totals().Single().Value.Observed);
        Assert.Equal(4 * 360 * 10m, first.Single().Value.Observed);
    }

    /// <summary>The first 40 samples' 240 s intervals reach back before the hour by 240 - 6 (i + 1) seconds each.</summary>
    private static decimal LostToTheHourStart() => 2 * Enumerable.Range(0, 40).Sum(i => Math.Max(0, 240 - (6 * (i + 1))));
}
