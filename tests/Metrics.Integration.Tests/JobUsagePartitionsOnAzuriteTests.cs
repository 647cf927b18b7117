using Azure.Data.Tables;

namespace Metrics.Integration.Tests;

/// <summary>
/// Job usage rows of one hour spread over sixteen partitions (<c>{hour}|{bucket}</c>), so that a rollup's burst meets no
/// partition's limit; the hour still reads in one query, rows written before the spread included, and a run whose old
/// row is replaced stays one row.
/// </summary>
public sealed class JobUsagePartitionsOnAzuriteTests
{
    private static readonly DateTimeOffset s_hour = new(2026, 11, 20, 3, 0, 0, TimeSpan.Zero);

    private readonly AzuriteStore _azurite = new();

    private static JobUsage Usage(string jobId, decimal gpuSeconds) =>
        new("c1", jobId, s_hour, "inst-a", "H100-SXM5-80GB", TimeSpan.FromSeconds((double)gpuSeconds), gpuSeconds, 0m, "proj-x");

    private static JobUsageChange Change(JobUsage usage) => new(UtcHours.Key(s_hour), usage.Cluster, usage.JobId, usage.RunStart, usage);

    [Fact]
    public async Task AnHoursRuns_SpreadOverBuckets_ReadAsOne_WithRowsWrittenBeforeTheSpread_EachRunOnce()
    {
        var store = new TableUsageStore(_azurite.Clients.Tables);
        TableClient table = _azurite.Clients.Tables.GetTableClient(StorageTables.JobHours);
        await table.CreateIfNotExistsAsync();
        string hour = UtcHours.Key(s_hour);

        // Two runs as a store before the spread wrote them: in the hour's own partition.
        foreach (JobUsage old in new[] { Usage("old-kept", 100m), Usage("old-replaced", 200m) })
        {
            await table.AddEntityAsync(UsageEntitiesOf(hour, old));
        }

        // 200 runs written now, and a new figure for one of the old ones.
        JobUsage[] fresh = Enumerable.Range(0, 200).Select(i => Usage($"j{i:D4}", 3600m)).ToArray();
        await store.WriteJobHoursAsync([.. fresh.Select(Change), Change(Usage("old-replaced", 250m))], CancellationToken.None);

        IReadOnlyList<JobUsage> read = await store.ReadJobHoursAsync(s_hour, CancellationToken.None);
        Assert.Equal(202, read.Count);
        Assert.Equal(250m, Assert.Single(read, r => r.JobId == "old-replaced").GpuSeconds);
        Assert.Equal(100m, Assert.Single(read, r => r.JobId == "old-kept").GpuSeconds);

        string[] partitions = await PartitionsAsync(table, hour);
        Assert.Contains(hour, partitions);
        Assert.Equal(16, partitions.Count(p => p.StartsWith(hour + "|", StringComparison.Ordinal)));
        Assert.All(partitions, p => Assert.Matches($"^{hour}(\\|[0-9a-f])?$", p));

        // A removal takes the run away wherever its row is.
        await store.WriteJobHoursAsync([new JobUsageChange(hour, "c1", "j0007", s_hour, null)], CancellationToken.None);
        Assert.DoesNotContain(await store.ReadJobHoursAsync(s_hour, CancellationToken.None), r => r.JobId == "j0007");
    }

    private static TableEntity UsageEntitiesOf(string hour, JobUsage usage) =>
        new(hour, string.Create(CultureInfo.InvariantCulture, $"{usage.Cluster}|{usage.JobId}|{usage.RunStart.UtcTicks:D19}"))
        {
            ["Cluster"] = usage.Cluster,
            ["JobId"] = usage.JobId,
            ["RunStart"] = usage.RunStart,
            ["Institution"] = usage.Institution,
            ["GpuModel"] = usage.GpuModel,
            ["Account"] = usage.Account,
            ["BilledTicks"] = usage.Billed.Ticks,
            ["GpuSeconds"] = usage.GpuSeconds.ToString(CultureInfo.InvariantCulture),
            ["CpuCoreSeconds"] = usage.CpuCoreSeconds.ToString(CultureInfo.InvariantCulture),
        };

    private static async Task<string[]> PartitionsAsync(TableClient table, string hour)
    {
        var partitions = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (
            TableEntity e in table.QueryAsync<TableEntity>(
                $"PartitionKey ge '{hour}' and PartitionKey lt '{hour}}}'",
                select: ["PartitionKey"]
            )
        )
        {
            partitions.Add(e.PartitionKey);
        }

        return [.. partitions];
    }
}
