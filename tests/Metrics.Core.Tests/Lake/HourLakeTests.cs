using Apache.Arrow;
using Metrics.Core.Compaction;
using Metrics.Core.Lake;
using Metrics.Core.Tests.Compaction;
using ParquetSharp.Arrow;

namespace Metrics.Core.Tests.Lake;

/// <summary>
/// A compacted hour into the lake (in memory): one Parquet row per distinct sample, the copy billing keeps, sorted; a
/// compaction stopped before its lake write has it written by the next run, once; the shards of a big hour are row groups.
/// </summary>
public sealed class HourLakeTests
{
    private static readonly DateTimeOffset s_hour = HourCompactorTests.s_hour;

    private static async Task<List<(string Uuid, long Ts, string Partition)>> ReadAsync(InMemoryLakeStore lake, string path)
    {
        var rows = new List<(string, long, string)>();
        await using Stream content = await lake.OpenAsync(path, CancellationToken.None);
        using var reader = new FileReader(content);
        using Apache.Arrow.Ipc.IArrowArrayStream batches = reader.GetRecordBatchReader();
        while (await batches.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                var uuids = (StringArray)batch.Column(GpuRowSchema.Columns.GpuUuid);
                var ts = (TimestampArray)batch.Column(GpuRowSchema.Columns.Ts);
                var partitions = (DictionaryArray)batch.Column(LineageColumns.Partition);
                var names = (StringArray)partitions.Dictionary;
                var indices = (Int32Array)partitions.Indices;
                for (int i = 0; i < batch.Length; i++)
                {
                    rows.Add((uuids.GetString(i), ts.Values[i], names.GetString(indices.GetValue(i)!.Value)));
                }
            }
        }

        return rows;
    }

    [Fact]
    public async Task CompactedHour_IsOneRowPerDistinctSample_TheCopyBillingKeeps_Sorted()
    {
        InMemoryLandedHourStore store = await HourCompactorTests.LandAsync();
        var lake = new InMemoryLakeStore();

        HourCompaction done = await new HourCompactor(store, TimeProvider.System) { Lake = lake }.CompactAsync(
            TelemetryStream.Gpu,
            s_hour,
            CancellationToken.None
        );

        // 1,460 compacted rows hold 20 resent on partition 7: 1,440 distinct samples, none of them the resent copy.
        Assert.Equal((1, 1460L, 1440L), (done.Lake.Files, done.Lake.RowsIn, done.Lake.RowsOut));
        List<(string Uuid, long Ts, string Partition)> rows = await ReadAsync(lake, LakePaths.GpuHour(s_hour));
        Assert.Equal(1440, rows.Select(r => (r.Uuid, r.Ts)).Distinct().Count());
        Assert.Equal(1440, rows.Count);
        Assert.DoesNotContain(rows, r => r.Partition == "7");
        Assert.Equal(rows.OrderBy(r => r.Uuid, StringComparer.Ordinal).ThenBy(r => r.Ts), rows);
        Assert.Equal(1, await lake.GenerationAsync(LakePaths.GpuHour(s_hour), CancellationToken.None));
    }

    [Fact]
    public async Task CompactionStoppedBeforeItsLakeWrite_HasItWrittenByTheNextRun_Once()
    {
        InMemoryLandedHourStore store = await HourCompactorTests.LandAsync();
        var lake = new InMemoryLakeStore();
        await new HourCompactor(store, TimeProvider.System).CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);
        Assert.Equal(0, lake.Writes);

        var compactor = new HourCompactor(store, TimeProvider.System) { Lake = lake };
        HourCompaction finished = await compactor.CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);
        HourCompaction again = await compactor.CompactAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None);

        Assert.Equal((0, 1, 1440L), (finished.Sources, finished.Lake.Files, finished.Lake.RowsOut));
        Assert.Equal(LakeWrite.None, again.Lake);
        Assert.Equal(1, lake.Writes);
    }

    [Fact]
    public async Task HourWrittenAsShards_IsOneFileWhoseRowGroupsFollowTheShards_EachSorted()
    {
        InMemoryLandedHourStore store = await HourCompactorTests.LandAsync();
        var lake = new InMemoryLakeStore();

        HourCompaction done = await new HourCompactor(store, TimeProvider.System) { MaxRowsInMemory = 500, Lake = lake }.CompactAsync(
            TelemetryStream.Gpu,
            s_hour,
            CancellationToken.None
        );

        Assert.True(done.Files > 1, $"{done.Files} files");
        await using Stream content = await lake.OpenAsync(LakePaths.GpuHour(s_hour), CancellationToken.None);
        using var reader = new FileReader(content);
        Assert.Equal(done.Files, reader.NumRowGroups);
        List<(string Uuid, long Ts, string Partition)> rows = await ReadAsync(lake, LakePaths.GpuHour(s_hour));
        Assert.Equal(1440, rows.Select(r => (r.Uuid, r.Ts)).Distinct().Count());
        Assert.Equal(1440, rows.Count);
        // Each GPU's samples one contiguous run in time order (a GPU is in one shard, a shard's rows sorted).
        int runs = rows.Zip(rows.Skip(1)).Count(p => p.First.Uuid != p.Second.Uuid) + 1;
        Assert.Equal(rows.Select(r => r.Uuid).Distinct().Count(), runs);
        Assert.All(rows.Zip(rows.Skip(1)).Where(p => p.First.Uuid == p.Second.Uuid), p => Assert.True(p.First.Ts < p.Second.Ts));
    }

    /// <summary>
    /// A landed jobs hour holding events stamped in 40 hours (a backfill), each event sent twice: one file per stamped
    /// hour, each with that hour's events once; read once to find the hours and once per 16 of them.
    /// </summary>
    [Fact]
    public async Task JobsHourOfABackfill_IsOneFilePerStampedHour_InOneReadPerSixteenHours()
    {
        var landedHour = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        var store = new InMemoryLandedHourStore();
        var pipeline = new IngestPipeline(store, new InMemoryWorkMarks(), new IngestLimits().ForBackfill());
        RawEvent[] events = Enumerable
            .Range(0, 40)
            .SelectMany(h =>
            {
                DateTimeOffset at = landedHour.AddHours(-40 + h).AddMinutes(30);
                return new[] { "started", "ended" }.Select(state =>
                    EventJson.Job(
                        $"{9000 + h}",
                        state,
                        EventJson.Ts(at),
                        start: EventJson.Ts(at),
                        end: state == "ended" ? EventJson.Ts(at) : null
                    )
                );
            })
            .Select((job, i) => new RawEvent(EventJson.Bytes(job), i, landedHour.AddMinutes(10)))
            .ToArray();
        await pipeline.IngestAsync(new EventBatch(TelemetryStream.Jobs, "0", events), CancellationToken.None);
        RawEvent[] resent = [.. events.Select(e => e with { SequenceNumber = e.SequenceNumber + 1000 })];
        await pipeline.IngestAsync(new EventBatch(TelemetryStream.Jobs, "1", resent), CancellationToken.None);
        HourCompaction compacted = await new HourCompactor(store, TimeProvider.System).CompactAsync(
            TelemetryStream.Jobs,
            landedHour,
            CancellationToken.None
        );
        Assert.Equal(160L, compacted.RowsOut);

        var lake = new InMemoryLakeStore();
        var counted = new CountingOpens(store);
        LakeWrite written = await new HourLake(counted, lake).EnsureAsync(
            TelemetryStream.Jobs,
            landedHour,
            compacted.Generation!.Value,
            [LandingPaths.CompactedFile(TelemetryStream.Jobs, landedHour, compacted.Generation.Value)],
            CancellationToken.None
        );

        // 40 files of 2 distinct events each, from 3 passes over the 160 compacted rows (the 80 events and their resends).
        Assert.Equal((40, 480L, 80L), (written.Files, written.RowsIn, written.RowsOut));
        Assert.Equal(1 + 3, counted.Opens);
        IReadOnlyList<LakeFile> files = await lake.ListAsync("jobs/", CancellationToken.None);
        Assert.Equal(40, files.Count);
        foreach (LakeFile file in files)
        {
            await using Stream content = await lake.OpenAsync(file.Path, CancellationToken.None);
            using var reader = new FileReader(content);
            Assert.Equal(2, reader.ParquetReader.FileMetaData.NumRows);
        }

        Assert.Equal(LakePaths.JobsHour(landedHour.AddHours(-40), landedHour), files[0].Path);
        Assert.Equal(
            LakeWrite.None,
            await new HourLake(counted, lake).EnsureAsync(
                TelemetryStream.Jobs,
                landedHour,
                compacted.Generation.Value,
                [LandingPaths.CompactedFile(TelemetryStream.Jobs, landedHour, compacted.Generation.Value)],
                CancellationToken.None
            )
        );
    }

    /// <summary>The landed files, counting how often one is opened.</summary>
    private sealed class CountingOpens(ILandedFiles inner) : ILandedFiles
    {
        public int Opens { get; private set; }

        public Task<IReadOnlyList<string>> ListHourAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => inner.ListHourAsync(stream, hour, cancellationToken);

        public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken)
        {
            Opens++;
            return inner.OpenAsync(path, cancellationToken);
        }
    }
}
