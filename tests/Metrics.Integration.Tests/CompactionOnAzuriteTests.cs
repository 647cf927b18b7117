using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Core.Compaction;
using Metrics.Core.Landing;

namespace Metrics.Integration.Tests;

/// <summary>
/// Compaction on Azurite: one sorted file per stream-hour, exact replays dropped and nothing else, and readers (billing's
/// scan, the job reader, row counts) that see each event once before, during and after it, wherever it is killed.
/// </summary>
public sealed class CompactionOnAzuriteTests
{
    /// <summary>The test's store; a test that compares with a clean run of the same files swaps in a fresh one.</summary>
    private AzuriteStore _azurite = new();

    private BlobLandedFiles Files => new(_azurite.Clients.Blobs);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// The hour a test lands and compacts. The store is the test's own (<see cref="AzuriteStore"/>), so a fixed hour is
    /// safe and a failure replays as it ran.
    /// </summary>
    private static readonly DateTimeOffset s_hour = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);

    private IngestPipeline Pipeline() =>
        new(
            new BlobLandingStore(_azurite.Clients.Blobs),
            new TableWorkMarks(_azurite.Clients.Tables, TimeProvider.System),
            new Metrics.Contract.IngestLimits().ForBackfill()
        );

    private async Task IngestAsync(
        TelemetryStream stream,
        string partition,
        long firstSequence,
        IReadOnlyList<JsonObject> events,
        DateTimeOffset hour
    )
    {
        // GPU samples arrive two hours late (they are filed by their ts); job events within the hour, which files them.
        DateTimeOffset enqueued = stream == TelemetryStream.Jobs ? hour.AddMinutes(59) : hour.AddHours(2);
        var batch = new EventBatch(
            stream,
            $"{partition}{_run}",
            events.Select((e, i) => new RawEvent(EventJson.Bytes(e), firstSequence + i, enqueued)).ToArray()
        );
        IngestResult result = await Pipeline().IngestAsync(batch, CancellationToken.None);
        Assert.True(events.Count == result.LandedEvents, string.Join("; ", result.RejectionsByReason.Select(r => $"{r.Key}={r.Value}")));
    }

    /// <summary>
    /// 4 nodes x 8 GPUs sampled every 60 s through the hour (all within the hour), on
    /// partition a in batches of 20; then events 10..29 again in one batch (a host redelivery with other bounds: exact
    /// replays), and 15 samples resent by their nodes on partition b (new sequence numbers: kept, billing dedupes them).
    /// Jobs: 3 jobs' events on partition a, 2 of them redelivered.
    /// </summary>
    private async Task<int> LandHourAsync(DateTimeOffset hour, string tag)
    {
        var samples = new List<JsonObject>();
        for (int minute = 0; minute < 60; minute++)
        {
            for (int node = 0; node < 4; node++)
            {
                samples.Add(
                    EventJson.Gpu(
                        node: $"{tag}n{node}{_run}",
                        ts: EventJson.Ts(hour.AddMinutes(minute)),
                        jobId: $"J{node % 3}",
                        institution: $"inst-{tag}{node % 2}",
                        utilPct: 10 * node,
                        intervalS: 60
                    )
                );
            }
        }

        for (int start = 0; start < samples.Count; start += 20)
        {
            await IngestAsync(TelemetryStream.Gpu, "a", start, samples.GetRange(start, 20), hour);
        }

        await IngestAsync(TelemetryStream.Gpu, "a", 10, samples.GetRange(10, 20), hour);
        await IngestAsync(TelemetryStream.Gpu, "b", 5000, samples.GetRange(100, 15), hour);

        // 5 samples resent on partition 0 with another institution: partition "0…" sorts before "a…", so these copies
        // win, before compaction (the table) and after it (the sorted scan) alike.
        var resent = samples.GetRange(200, 5).Select(e => (JsonObject)e.DeepClone()).ToList();
        foreach (JsonObject e in resent)
        {
            foreach (JsonNode? gpu in e["gpus"]!.AsArray())
            {
                gpu!["institution"] = $"inst-{tag}-resent";
            }
        }

        await IngestAsync(TelemetryStream.Gpu, "0", 7000, resent, hour);

        var jobs = new List<JsonObject>();
        for (int j = 0; j < 3; j++)
        {
            foreach ((string state, int minute) in new[] { ("running", 5 + j), ("ended", 50 + j) })
            {
                JsonObject job = EventJson.Job(
                    $"J{j}{_run}",
                    state,
                    EventJson.Ts(hour.AddMinutes(minute)),
                    4,
                    $"inst-{tag}{j % 2}",
                    start: EventJson.Ts(hour.AddHours(-1))
                );
                job["submitTime"] = EventJson.Ts(hour.AddHours(-2));
                jobs.Add(job);
            }
        }

        await IngestAsync(TelemetryStream.Jobs, "a", 0, jobs, hour);
        await IngestAsync(TelemetryStream.Jobs, "a", 2, jobs.GetRange(2, 4), hour);
        return samples.Count;
    }

    /// <summary>The reader of the last <see cref="BillingInputAsync"/>: which way it read the hour.</summary>
    private ObservedHourReader? _lastReader;

    /// <summary>What billing reads of the hour: observed seconds per line, and the job events (as their ids).</summary>
    private async Task<string> BillingInputAsync(ILandedFiles files, DateTimeOffset hour)
    {
        _lastReader = new ObservedHourReader(files, 1_000_000);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed = await _lastReader.ReadAsync(hour, CancellationToken.None);
        var events = new List<string>();
        foreach (string path in await files.ListHourAsync(TelemetryStream.Jobs, hour, CancellationToken.None))
        {
            await using Stream stream = await files.OpenAsync(path, CancellationToken.None);
            events.AddRange((await LandedRowReader.ReadJobEventsAsync(stream, CancellationToken.None)).Select(e => e.EventId));
        }

        return string.Join("; ", observed.OrderBy(o => o.Key).Select(o => $"{o.Key.RowKey}={o.Value.Active}/{o.Value.Observed}"))
            + " | jobs: "
            + string.Join(",", events.Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>Every visible row of a stream-hour as (partition, sequence, key column), duplicates included.</summary>
    private async Task<List<(string Partition, long Sequence, string Key, DateTimeOffset Ts)>> VisibleRowsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        string? only = null
    )
    {
        string keyColumn = stream == TelemetryStream.Gpu ? "gpu_uuid" : "job_id";
        var rows = new List<(string, long, string, DateTimeOffset)>();
        foreach (string path in only is null ? await Files.ListHourAsync(stream, hour, CancellationToken.None) : [only])
        {
            await using Stream content = await Files.OpenAsync(path, CancellationToken.None);
            await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(content, CancellationToken.None))
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    rows.Add(
                        (
                            ArrowCells.Format(batch.Column(batch.Schema.GetFieldIndex(LineageColumns.Partition)), i),
                            ((Int64Array)batch.Column(batch.Schema.GetFieldIndex(LineageColumns.Sequence))).GetValue(i)!.Value,
                            ArrowCells.Format(batch.Column(batch.Schema.GetFieldIndex(keyColumn)), i),
                            ArrowCells.Timestamp(batch.Column(batch.Schema.GetFieldIndex("ts")), i)!.Value
                        )
                    );
                }
            }
        }

        return rows;
    }

    private static HashSet<(string, long, string)> Events(
        IEnumerable<(string Partition, long Sequence, string Key, DateTimeOffset Ts)> rows
    ) => rows.Select(r => (r.Partition, r.Sequence, r.Key)).ToHashSet();

    [Fact]
    public async Task Compact_WritesSortedFilesByUuidHash_DropsOnlyExactReplays_AndBillingReadsTheSame()
    {
        DateTimeOffset hour = s_hour;
        int samples = await LandHourAsync(hour, "s");
        string before = await BillingInputAsync(Files, hour);
        var gpuBefore = await VisibleRowsAsync(TelemetryStream.Gpu, hour);
        Assert.Equal((samples + 20 + 15 + 5) * 8, gpuBefore.Count);
        Assert.Contains($"inst-s-resent|", before, StringComparison.Ordinal);
        Assert.True(_lastReader!.LastPeakSamples > 0, "Landed files are read through the deduplication table.");

        // At most 100 rows in memory: the GPU rows are written as one file per 100 rows, by uuid hash; the job rows in one.
        var compactor = new HourCompactor(Files, TimeProvider.System) { MaxRowsInMemory = 100, RowsPerBatch = 64 };
        HourCompaction gpu = await compactor.CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None);
        HourCompaction jobs = await compactor.CompactAsync(TelemetryStream.Jobs, hour, CancellationToken.None);

        Assert.Equal((1, 15, (samples + 40) * 8L, (samples + 20) * 8L), (gpu.Generation, gpu.Sources, gpu.RowsIn, gpu.RowsOut));
        Assert.Equal((1, 2, 10L, 6L), (jobs.Generation, jobs.Sources, jobs.RowsIn, jobs.RowsOut));
        int shards = (int)((gpu.RowsIn + 99) / 100);
        string[] files = Enumerable
            .Range(0, shards)
            .Select(s => LandingPaths.CompactedFile(TelemetryStream.Gpu, hour, 1, s, shards))
            .ToArray();
        Assert.Equal(files, await Files.ListHourAsync(TelemetryStream.Gpu, hour, CancellationToken.None));
        Assert.Equal(
            [.. files, LandingPaths.CompactionManifestFile(TelemetryStream.Gpu, hour, 1)],
            (await Files.ListHourBlobsAsync(TelemetryStream.Gpu, hour, CancellationToken.None)).Select(b => b.Path)
        );
        Assert.Equal(
            [LandingPaths.CompactedFile(TelemetryStream.Jobs, hour, 1)],
            await Files.ListHourAsync(TelemetryStream.Jobs, hour, CancellationToken.None)
        );

        var gpuAfter = await VisibleRowsAsync(TelemetryStream.Gpu, hour);
        Assert.Equal(Events(gpuBefore), Events(gpuAfter));
        Assert.Equal(gpuAfter.Count, Events(gpuAfter).Count);
        // Each file sorted, and each GPU in one file only.
        var gpus = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in files)
        {
            var rows = await VisibleRowsAsync(TelemetryStream.Gpu, hour, path);
            Assert.Equal(
                rows.OrderBy(r => r.Key, StringComparer.Ordinal)
                    .ThenBy(r => r.Ts)
                    .ThenBy(r => r.Partition, StringComparer.Ordinal)
                    .ThenBy(r => r.Sequence),
                rows
            );
            Assert.All(rows.Select(r => r.Key).Distinct(), gpu => Assert.True(gpus.Add(gpu), $"{gpu} is in two files"));
        }

        Assert.Equal(before, await BillingInputAsync(Files, hour));
        Assert.Equal((1, 0), (_lastReader!.LastShards, _lastReader.LastPeakSamples));

        // Every column survives, lineage included: the blobs' manifest row counts, and a row's cells, unchanged.
        Assert.Equal(
            (samples + 20) * 8L,
            (await Files.ListHourWithRowsAsync(TelemetryStream.Gpu, hour, CancellationToken.None)).Sum(f => f.Rows)
        );
    }

    [Fact]
    public async Task AResendWithUpperCaseUuids_CountsOnce_AfterCompactionAsBefore()
    {
        // Billing takes a uuid in either case as one GPU; a byte-ordered sort puts the two spellings far apart.
        DateTimeOffset hour = s_hour;
        await LandHourAsync(hour, "u");
        var upper = Enumerable
            .Range(0, 3)
            .Select(i =>
            {
                JsonObject e = EventJson.Gpu(
                    node: $"upper{i}{_run}",
                    ts: EventJson.Ts(hour.AddMinutes(10)),
                    institution: "inst-upper",
                    intervalS: 60
                );
                return e;
            })
            .ToList();
        await IngestAsync(TelemetryStream.Gpu, "c", 0, upper, hour);
        foreach (JsonObject e in upper)
        {
            foreach (JsonNode? gpu in e["gpus"]!.AsArray())
            {
                gpu!["uuid"] = gpu["uuid"]!.GetValue<string>().ToUpperInvariant();
            }
        }

        await IngestAsync(TelemetryStream.Gpu, "d", 0, upper, hour);
        string before = await BillingInputAsync(Files, hour);
        Assert.True(before.Contains("inst-upper|H100-SXM5-80GB=", StringComparison.Ordinal), before);

        await new HourCompactor(Files, TimeProvider.System).CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None);

        Assert.Equal(before, await BillingInputAsync(Files, hour));
        Assert.True(_lastReader!.LastPeakSamples > 0, "An upper-case uuid sends the hour to the deduplication table.");
    }

    /// <summary>
    /// A compactor that read the hour, stalled past its lease while another compacted it and a late file landed, then woke
    /// to write the same generation: its write is refused (files are created, never replaced), nothing of it lands, and
    /// readers see exactly what the other's single clean run and the late file make, the late file's rows included.
    /// </summary>
    [Fact]
    public async Task StaleCompactor_WakingToWriteAGenerationAnotherWrote_FailsAndLeavesTheStoreAsTheCleanRunDid()
    {
        DateTimeOffset hour = s_hour;
        await LandHourAsync(hour, "f");
        JsonObject late = EventJson.Gpu(node: $"fn9{_run}", ts: EventJson.Ts(hour.AddMinutes(30)), institution: "inst-late", intervalS: 60);
        string? expected = null;
        var stale = new HourCompactor(
            new ActBeforeFirstWrite(
                Files,
                async () =>
                {
                    await new HourCompactor(Files, TimeProvider.System).CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None);
                    await IngestAsync(TelemetryStream.Gpu, "c", 0, [late], hour);
                    expected = await BillingInputAsync(Files, hour);
                }
            ),
            TimeProvider.System
        );

        var refused = await Assert.ThrowsAsync<IOException>(() => stale.CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None));

        Assert.Contains("exists already", refused.Message, StringComparison.Ordinal);
        Assert.Contains("inst-late|", expected, StringComparison.Ordinal);
        Assert.Equal(expected, await BillingInputAsync(Files, hour));
        Assert.Equal(2, (await Files.ListHourAsync(TelemetryStream.Gpu, hour, CancellationToken.None)).Count);

        // The next run folds the late file into a new generation, as after any compaction.
        HourCompaction next = await new HourCompactor(Files, TimeProvider.System).CompactAsync(
            TelemetryStream.Gpu,
            hour,
            CancellationToken.None
        );
        Assert.Equal(2, next.Generation);
        Assert.Equal(expected, await BillingInputAsync(Files, hour));

        // Billed, it is byte for byte what a store that never compacted bills from the same files.
        string billed = await UsageCsvAsync(hour);
        Assert.Contains("inst-f0,H100-SXM5-80GB,", billed, StringComparison.Ordinal);
        _azurite = new AzuriteStore();
        await LandHourAsync(hour, "f");
        await IngestAsync(TelemetryStream.Gpu, "c", 0, [late], hour);
        Assert.Equal(billed, await UsageCsvAsync(hour));
    }

    /// <summary>The store rolled up, then finance's usage CSV of the hour's month.</summary>
    private async Task<string> UsageCsvAsync(DateTimeOffset hour)
    {
        await _azurite.RunOkAsync(TimeProvider.System, "rollup");
        return await _azurite.RunOkAsync(
            TimeProvider.System,
            "usage",
            "--month",
            BillingCalendar.Create("Asia/Shanghai").MonthOf(hour).ToString()
        );
    }

    [Fact]
    public async Task LateFiles_AreReadBesideTheCompactedFile_AndTheNextCompactionFoldsThemIntoANewGeneration()
    {
        DateTimeOffset hour = s_hour;
        await LandHourAsync(hour, "l");
        var compactor = new HourCompactor(Files, TimeProvider.System);
        await compactor.CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None);

        JsonObject late = EventJson.Gpu(node: $"ln9{_run}", ts: EventJson.Ts(hour.AddMinutes(30)), institution: "inst-late", intervalS: 60);
        await IngestAsync(TelemetryStream.Gpu, "c", 0, [late], hour);
        string withLate = await BillingInputAsync(Files, hour);
        Assert.Contains("inst-late|", withLate, StringComparison.Ordinal);
        Assert.Equal(2, (await Files.ListHourAsync(TelemetryStream.Gpu, hour, CancellationToken.None)).Count);

        HourCompaction second = await compactor.CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None);
        Assert.Equal((2, 2, 3), (second.Generation, second.Sources, second.Deleted));
        Assert.Equal(
            [LandingPaths.CompactedFile(TelemetryStream.Gpu, hour, 2)],
            await Files.ListHourAsync(TelemetryStream.Gpu, hour, CancellationToken.None)
        );
        Assert.Equal(withLate, await BillingInputAsync(Files, hour));

        HourCompaction idle = await compactor.CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None);
        Assert.Equal((2, 0, 0), (idle.Generation, idle.Sources, idle.Deleted));
    }

    [Fact]
    public async Task Compaction_KilledAtEachStep_LeavesReadersSeeingEachEventOnce_AndTheNextRunFinishes()
    {
        // Steps of one stream-hour's compaction that change storage: the data file, the manifest, then each deletion.
        for (int killAt = 1; ; killAt++)
        {
            // An hour per kill point: each case starts from files no earlier case compacted.
            DateTimeOffset hour = s_hour.AddHours(killAt);
            await LandHourAsync(hour, $"k{killAt}");
            string billing = await BillingInputAsync(Files, hour);
            HashSet<(string, long, string)> events = Events(await VisibleRowsAsync(TelemetryStream.Gpu, hour));
            var killing = new KillingStore(Files, killAt);
            try
            {
                await new HourCompactor(killing, TimeProvider.System) { MaxRowsInMemory = 500 }.CompactAsync(
                    TelemetryStream.Gpu,
                    hour,
                    CancellationToken.None
                );
            }
            catch (KilledException) { }

            var during = await VisibleRowsAsync(TelemetryStream.Gpu, hour);
            Assert.Equal(events, Events(during));
            Assert.Equal(billing, await BillingInputAsync(Files, hour));

            HourCompaction finished = await new HourCompactor(Files, TimeProvider.System).CompactAsync(
                TelemetryStream.Gpu,
                hour,
                CancellationToken.None
            );
            var after = await VisibleRowsAsync(TelemetryStream.Gpu, hour);
            Assert.Equal(events, Events(after));
            Assert.Equal(after.Count, events.Count);
            Assert.Equal(billing, await BillingInputAsync(Files, hour));
            // Nothing left but the visible data files and their manifest.
            Assert.Equal(
                (await Files.ListHourAsync(TelemetryStream.Gpu, hour, CancellationToken.None)).Count + 1,
                (await Files.ListHourBlobsAsync(TelemetryStream.Gpu, hour, CancellationToken.None)).Count
            );
            Assert.NotNull(finished.Generation);
            if (!killing.Killed)
            {
                // The kill came after the last step: every step has been killed once.
                Assert.True(killAt > 10, $"Only {killAt - 1} steps were seen.");
                break;
            }
        }
    }

    [Fact]
    public async Task AReaderThatListedBeforeCompaction_ListsAgain_AndBillsTheSame()
    {
        DateTimeOffset hour = s_hour;
        await LandHourAsync(hour, "r");
        string billing = await BillingInputAsync(Files, hour);
        int compactions = 0;
        var racing = new ActBeforeFirstOpen(
            Files,
            async () =>
            {
                compactions++;
                await new HourCompactor(Files, TimeProvider.System).CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None);
            }
        );

        Assert.Equal(billing, await BillingInputAsync(racing, hour));
        Assert.Equal(1, compactions);
    }

    [Fact]
    public async Task ACompactedFileDeletedWhileOpen_ReadsAsGone_SoTheReaderListsAgain()
    {
        DateTimeOffset hour = s_hour;
        await LandHourAsync(hour, "g");
        await new HourCompactor(Files, TimeProvider.System).CompactAsync(TelemetryStream.Gpu, hour, CancellationToken.None);
        string compacted = LandingPaths.CompactedFile(TelemetryStream.Gpu, hour, 1);

        // Opened (lazily: nothing read yet), then replaced by a newer generation, as a late file's compaction would.
        await using Stream open = await Files.OpenAsync(compacted, CancellationToken.None);
        await Files.DeleteAsync(compacted, CancellationToken.None);
        FileNotFoundException gone = await Assert.ThrowsAsync<FileNotFoundException>(async () => await open.ReadExactlyAsync(new byte[16]));
        Assert.Equal(compacted, gone.FileName);
    }

    private sealed class KilledException() : Exception("Killed by the test.");

    /// <summary>Real storage, with the process "killed" before its n-th write or delete: nothing after it happens.</summary>
    private sealed class KillingStore(ILandedHourStore inner, int killAt) : ILandedHourStore
    {
        private int _steps;

        public bool Killed { get; private set; }

        private void Step()
        {
            if (++_steps == killAt)
            {
                Killed = true;
                throw new KilledException();
            }
        }

        public Task<IReadOnlyList<string>> ListHourAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => inner.ListHourAsync(stream, hour, cancellationToken);

        public Task<IReadOnlyList<LandedBlob>> ListHourBlobsAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => inner.ListHourBlobsAsync(stream, hour, cancellationToken);

        public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) => inner.OpenAsync(path, cancellationToken);

        public Task WriteAsync(
            string path,
            string contentType,
            Func<Stream, CancellationToken, Task<IReadOnlyDictionary<string, string>>> write,
            CancellationToken cancellationToken
        )
        {
            Step();
            return inner.WriteAsync(path, contentType, write, cancellationToken);
        }

        public Task PutAsync(string path, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            Step();
            return inner.PutAsync(path, contentType, content, cancellationToken);
        }

        public Task DeleteAsync(string path, CancellationToken cancellationToken)
        {
            Step();
            return inner.DeleteAsync(path, cancellationToken);
        }
    }
}
