namespace Metrics.Integration.Tests;

/// <summary>The job state store's many-run reads and transactional, conditional saves, on Azurite's tables.</summary>
public sealed class JobStateStoreTests
{
    private readonly AzuriteStore _azurite = new();

    private static readonly DateTimeOffset s_start = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private readonly string _cluster = "js-" + Guid.NewGuid().ToString("N")[..8];

    private JobBillingState State(int job, int hours) => State($"J{job}", hours);

    private JobBillingState State(string jobId, int hours, DateTimeOffset? start = null) =>
        new()
        {
            Cluster = _cluster,
            JobId = jobId,
            Institution = "inst-00001",
            GpuModel = "H100-SXM5-80GB",
            Gpus = 8,
            Cpus = 16,
            StartTime = start ?? s_start,
            BilledThrough = (start ?? s_start).AddHours(hours),
            AttributesTs = s_start,
            AttributesEventId = $"e{jobId}",
        };

    [Fact]
    public async Task SaveMany_AcrossTransactions_SavesEveryCurrentRunAndNamesExactlyTheStaleOnes()
    {
        var store = new TableJobStateStore(_azurite.Clients.Tables);
        // 250 runs: three transactions of one cluster.
        IReadOnlyList<JobRunKey> first = (
            await store.SaveManyAsync(
                Enumerable.Range(0, 250).Select(j => new JobStateSave(State(j, 1), null, null)).ToArray(),
                CancellationToken.None
            )
        ).Conflicts;
        IReadOnlyDictionary<JobRunKey, StoredJobState> read = await store.GetManyAsync(
            Enumerable.Range(0, 260).Select(j => new JobRunKey(_cluster, $"J{j}", s_start)).ToArray(),
            CancellationToken.None
        );
        Assert.Empty(first);
        Assert.Equal(250, read.Count);

        // Someone else moves runs 7 and 160 on; then a batch saves every run from the versions it read before that.
        await store.SaveAsync(State(7, 5), null, read[new JobRunKey(_cluster, "J7", s_start)].Version, CancellationToken.None);
        await store.SaveAsync(State(160, 5), null, read[new JobRunKey(_cluster, "J160", s_start)].Version, CancellationToken.None);
        JobStateSave[] saves =
        [
            .. Enumerable
                .Range(0, 250)
                .Select(j => new JobStateSave(State(j, 2), null, read[new JobRunKey(_cluster, $"J{j}", s_start)].Version)),
            new JobStateSave(State(999, 2), null, null),
        ];

        JobStateSaveResult saved = await store.SaveManyAsync(saves, CancellationToken.None);
        IReadOnlyList<JobRunKey> conflicts = saved.Conflicts;

        Assert.Equal(["J160", "J7"], conflicts.Select(c => c.JobId).Order(StringComparer.Ordinal));
        IReadOnlyDictionary<JobRunKey, StoredJobState> after = await store.GetManyAsync(
            saves.Select(s => s.Run).ToArray(),
            CancellationToken.None
        );
        Assert.Equal(251, after.Count);
        Assert.All(
            after,
            pair =>
                Assert.Equal(pair.Key.JobId is "J7" or "J160" ? s_start.AddHours(5) : s_start.AddHours(2), pair.Value.State.BilledThrough)
        );

        // The versions the saves answered with are the stored ones, so the next save needs no read first.
        Assert.Equal(249, saved.Versions.Count);
        Assert.All(saved.Versions, pair => Assert.Equal(after[pair.Key].Version, pair.Value));
        await store.SaveAsync(State(0, 3), null, saved.Versions[new JobRunKey(_cluster, "J0", s_start)], CancellationToken.None);
    }

    [Fact]
    public async Task GetMany_DenseJobIds_ReadAsOneRange_SparseOnesOneByOne_AndOnlyTheRunsAskedFor()
    {
        var store = new TableJobStateStore(_azurite.Clients.Tables);
        // 200 dense ids (two runs of id 5007: a requeue), three far-apart ids, an id that is not a number, and one id
        // inside the dense range that is stored but not asked for.
        JobBillingState[] stored =
        [
            .. Enumerable.Range(5000, 200).Select(id => State($"{id}", 1)),
            State("5007", 2, s_start.AddHours(3)),
            State("12", 1),
            State("77777", 1),
            State("900000", 1),
            State("array-1_3", 1),
        ];
        await store.SaveManyAsync(stored.Select(s => new JobStateSave(s, null, null)).ToArray(), CancellationToken.None);
        JobRunKey[] asked = stored
            .Select(s => new JobRunKey(s.Cluster, s.JobId, s.StartTime))
            .Where(r => r.JobId != "5150")
            .Append(new JobRunKey(_cluster, "5300", s_start))
            .ToArray();

        long before = _azurite.Clients.Requests.Count;
        IReadOnlyDictionary<JobRunKey, StoredJobState> many = await store.GetManyAsync(asked, CancellationToken.None);
        long requests = _azurite.Clients.Requests.Count - before;

        Assert.Equal(stored.Length - 1, many.Count);
        Assert.DoesNotContain(many.Keys, r => r.JobId == "5150");
        foreach (JobRunKey run in asked.Where(r => r.JobId != "5300"))
        {
            StoredJobState? one = await store.GetAsync(run.Cluster, run.JobId, run.RunStart, CancellationToken.None);
            Assert.Equal(one!.Version, many[run].Version);
            Assert.Equal(one.State, many[run].State);
        }

        // One range query (a page) for the 200 dense runs, a point read for each of the five others (one is absent).
        Assert.True(requests <= 8, $"{requests} requests for {asked.Length} runs");
    }

    /// <summary>
    /// Runs spread over sixteen partitions of their cluster; runs saved before the spread (under PartitionKey = cluster)
    /// are still read, and saved where they are, so a run is always one row; a cluster whose id starts with another's is
    /// never read with it.
    /// </summary>
    [Fact]
    public async Task RunsSpreadOverBuckets_WithRunsSavedBeforeTheSpread_AreEachOneRow_AndClustersNeverMix()
    {
        var store = new TableJobStateStore(_azurite.Clients.Tables);
        Azure.Data.Tables.TableClient table = _azurite.Clients.Tables.GetTableClient(StorageTables.JobStates);
        await table.CreateIfNotExistsAsync();
        string rowKey = string.Create(CultureInfo.InvariantCulture, $"old|{s_start.UtcTicks:D19}");
        JobBillingState old = State("old", 1);
        await table.AddEntityAsync(
            new Azure.Data.Tables.TableEntity(_cluster, rowKey)
            {
                ["JobId"] = old.JobId,
                ["Institution"] = old.Institution,
                ["GpuModel"] = old.GpuModel,
                ["Account"] = old.Account,
                ["Gpus"] = old.Gpus,
                ["Cpus"] = old.Cpus,
                ["StartTime"] = old.StartTime,
                ["BilledThrough"] = old.BilledThrough,
                ["AttributesTs"] = old.AttributesTs,
                ["AttributesEventId"] = old.AttributesEventId,
            }
        );
        // A cluster whose id starts with this one's, with a run of the same id: never read as this cluster's.
        var neighbour = State("old", 9) with
        {
            Cluster = _cluster + "0",
        };
        await store.SaveManyAsync([new JobStateSave(neighbour, null, null)], CancellationToken.None);
        await store.SaveManyAsync(
            Enumerable.Range(0, 64).Select(j => new JobStateSave(State(j, 1), null, null)).ToArray(),
            CancellationToken.None
        );

        StoredJobState? found = await store.GetAsync(_cluster, "old", s_start, CancellationToken.None);
        Assert.Equal((_cluster, s_start.AddHours(1)), (found!.State.Cluster, found.State.BilledThrough));
        await store.SaveAsync(State("old", 3), null, found.Version, CancellationToken.None);
        IReadOnlyDictionary<JobRunKey, StoredJobState> read = await store.GetManyAsync(
            [new JobRunKey(_cluster, "old", s_start), .. Enumerable.Range(0, 64).Select(j => new JobRunKey(_cluster, $"J{j}", s_start))],
            CancellationToken.None
        );

        Assert.Equal(65, read.Count);
        Assert.Equal(s_start.AddHours(3), read[new JobRunKey(_cluster, "old", s_start)].State.BilledThrough);
        var partitions = new List<(string Partition, string Row)>();
        await foreach (
            Azure.Data.Tables.TableEntity e in table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey", "RowKey"])
        )
        {
            partitions.Add((e.PartitionKey, e.RowKey));
        }

        // The old run is still one row, where it was; the neighbour's is in a bucket of its own cluster.
        string[] oldRows = partitions.Where(p => p.Row == rowKey).Select(p => p.Partition).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, oldRows.Length);
        Assert.Equal(_cluster, oldRows[0]);
        Assert.StartsWith(_cluster + "0|", oldRows[1], StringComparison.Ordinal);
        int buckets = partitions.Where(p => p.Row.StartsWith('J')).Select(p => p.Partition).Distinct().Count();
        Assert.True(buckets > 8, $"64 runs in {buckets} partitions");
        Assert.All(partitions.Where(p => p.Row.StartsWith('J')), p => Assert.Matches($"^{_cluster}\\|[0-9a-f]$", p.Partition));
    }
}
