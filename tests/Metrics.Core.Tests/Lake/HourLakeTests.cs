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
}
