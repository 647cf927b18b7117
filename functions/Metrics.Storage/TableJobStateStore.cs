namespace Metrics.Storage;

/// <summary>
/// Job run billing states in table <c>jobstates</c>: PartitionKey = <c>{cluster}|{bucket}</c> (<see cref="PartitionBuckets"/>:
/// a rollup's burst of runs spread over sixteen partitions; runs saved before the spread stay under PartitionKey
/// <c>{cluster}</c> and are read and saved there), RowKey = <c>{jobId}|{start ticks}</c> (one row per run; a requeued
/// job has several). Saves are conditional on the ETag read (or insert-only for a new run), so a rollup whose lease
/// expired under it cannot overwrite a newer state unseen. A stored state's version names its partition and its ETag.
/// </summary>
public sealed class TableJobStateStore(TableServiceClient tables) : IJobStateStore
{
    /// <summary>Requests in flight at once for many runs; Azure Table storage serves far more, Azurite serves these.</summary>
    private const int Parallelism = 16;

    /// <summary>Fewer runs than this in a window of ids are cheaper as point reads than as a range query's pages.</summary>
    internal const int MinRangeRuns = 32;

    private readonly TableCreatedOnce _states = new(tables.GetTableClient(StorageTables.JobStates));

    public async Task<StoredJobState?> GetAsync(string cluster, string jobId, DateTimeOffset runStart, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        string rowKey = JobRunKeys.Run(jobId, runStart);
        string filter = $"{PartitionBuckets.PartitionsOf(cluster)} and {TableClient.CreateQueryFilter($"RowKey eq {rowKey}")}";
        await foreach (
            TableEntity e in Table
                .QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken)
                .ConfigureAwait(false)
        )
        {
            return FromEntity(e);
        }

        return null;
    }

    public async Task<string> SaveAsync(
        JobBillingState state,
        DateTimeOffset? unsettledUntil,
        string? expectedVersion,
        CancellationToken cancellationToken
    )
    {
        TableEntity entity = ToEntity(state, unsettledUntil, expectedVersion);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Response response = expectedVersion is null
                ? await Table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await Table
                    .UpdateEntityAsync(entity, new ETag(Versions.ETagOf(expectedVersion)), TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
            return Versions.Of(
                entity.PartitionKey,
                response.Headers.ETag?.ToString()
                    ?? throw new InvalidOperationException("The table service answered a save without an ETag.")
            );
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // 409: a new run was inserted meanwhile; 412: the ETag moved on; 404: the row is gone.
            throw new JobStateConflictException(
                $"Job run {state.Cluster}/{state.JobId}@{state.StartTime:O} was saved by someone else since it was read (HTTP "
                    + $"{ex.Status}).",
                ex
            );
        }
    }

    /// <summary>
    /// The runs of a job hour, read the cheapest way their job ids allow. Slurm numbers jobs in order, so the runs of an
    /// hour are mostly recent ids packed close together, plus a few old long-running jobs: a dense window of numeric ids
    /// (at least <see cref="MinRangeRuns"/> runs, and at least half of the ids in the window asked for) is read as one
    /// RowKey range query, and any other run by a point read, up to <see cref="Parallelism"/> at a time. A range
    /// returns at most about twice the rows asked for (the rest are dropped), where point reads cost a request each:
    /// the national hour's 3,864 runs took 3,864 requests, and now take a few pages.
    /// </summary>
    public async Task<IReadOnlyDictionary<JobRunKey, StoredJobState>> GetManyAsync(
        IReadOnlyCollection<JobRunKey> runs,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(runs);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var found = new System.Collections.Concurrent.ConcurrentDictionary<JobRunKey, StoredJobState>();
        var wanted = runs.ToHashSet();
        (List<JobIdWindow> windows, List<JobRunKey> single) = JobIdWindows.Plan(runs, MinRangeRuns);
        await Parallel
            .ForEachAsync(
                windows,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (window, token) =>
                {
                    // '}' sorts right after '|', so "{last}}" bounds every run of the last id.
                    string filter =
                        $"{PartitionBuckets.PartitionsOf(window.Cluster)} and "
                        + TableClient.CreateQueryFilter($"RowKey ge {window.FirstJobId + "|"} and RowKey lt {window.LastJobId + "}"}");
                    await foreach (TableEntity e in Table.QueryAsync<TableEntity>(filter, cancellationToken: token).ConfigureAwait(false))
                    {
                        StoredJobState state = FromEntity(e);
                        var key = new JobRunKey(state.State.Cluster, state.State.JobId, state.State.StartTime);
                        if (wanted.Contains(key))
                        {
                            found[key] = state;
                        }
                    }
                }
            )
            .ConfigureAwait(false);
        await Parallel
            .ForEachAsync(
                single,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (run, token) =>
                {
                    if (await GetAsync(run.Cluster, run.JobId, run.RunStart, token).ConfigureAwait(false) is { } state)
                    {
                        found[run] = state;
                    }
                }
            )
            .ConfigureAwait(false);
        return found;
    }

    /// <summary>
    /// Table transactions of up to 100 runs of one cluster, each action conditional (insert-only, or replace at the ETag
    /// read). A transaction is all or nothing, so one refused action fails its chunk: that chunk is then saved run by run
    /// to save the others and name the refused ones.
    /// </summary>
    public async Task<JobStateSaveResult> SaveManyAsync(IReadOnlyList<JobStateSave> saves, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saves);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var actions = saves.Select(save => (Save: save, Action: ToAction(save))).ToArray();
        var chunks = actions
            .GroupBy(a => a.Action.Entity.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => TableTransactions.Chunk(partition.Select(a => a.Action)))
            .ToArray();
        var bySaveKey = actions.ToDictionary(a => (a.Action.Entity.PartitionKey, a.Action.Entity.RowKey), a => a.Save);
        var conflicts = new System.Collections.Concurrent.ConcurrentBag<JobRunKey>();
        var versions = new System.Collections.Concurrent.ConcurrentDictionary<JobRunKey, string>();
        await Parallel
            .ForEachAsync(
                chunks,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (chunk, token) =>
                {
                    try
                    {
                        Response<IReadOnlyList<Response>> done = await Table.SubmitTransactionAsync(chunk, token).ConfigureAwait(false);
                        for (int i = 0; i < chunk.Count && i < done.Value.Count; i++)
                        {
                            // Each action's answer carries the row's new ETag; where one does not, the run is simply read next time.
                            if (done.Value[i].Headers.ETag is { } etag)
                            {
                                versions[bySaveKey[(chunk[i].Entity.PartitionKey, chunk[i].Entity.RowKey)].Run] = Versions.Of(
                                    chunk[i].Entity.PartitionKey,
                                    etag.ToString()
                                );
                            }
                        }
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
                    {
                        foreach (TableTransactionAction action in chunk)
                        {
                            JobStateSave save = bySaveKey[(action.Entity.PartitionKey, action.Entity.RowKey)];
                            try
                            {
                                versions[save.Run] = await SaveAsync(save.State, save.UnsettledUntil, save.ExpectedVersion, token)
                                    .ConfigureAwait(false);
                            }
                            catch (JobStateConflictException)
                            {
                                conflicts.Add(save.Run);
                            }
                        }
                    }
                }
            )
            .ConfigureAwait(false);
        return new JobStateSaveResult(conflicts.ToArray(), versions);
    }

    private static StoredJobState FromEntity(TableEntity e)
    {
        var state = new JobBillingState
        {
            Cluster = PartitionBuckets.KeyOf(e.PartitionKey),
            JobId = TableProperties.Required(e, "JobId"),
            Institution = TableProperties.Required(e, "Institution"),
            GpuModel = TableProperties.Required(e, "GpuModel"),
            Account = e.GetString("Account") ?? string.Empty,
            Gpus = e.GetDouble("Gpus") ?? 0,
            Cpus = e.GetInt32("Cpus") ?? 0,
            StartTime = e.GetDateTimeOffset("StartTime")!.Value,
            BilledThrough = e.GetDateTimeOffset("BilledThrough")!.Value,
            EndTime = e.GetDateTimeOffset("EndTime"),
            AttributesTs = e.GetDateTimeOffset("AttributesTs")!.Value,
            AttributesEventId = TableProperties.Required(e, "AttributesEventId"),
            EndEventTs = e.GetDateTimeOffset("EndEventTs"),
            EndEventId = e.GetString("EndEventId"),
        };
        return new StoredJobState(state, Versions.Of(e.PartitionKey, e.ETag.ToString()), e.GetDateTimeOffset("UnsettledUntil"));
    }

    private TableClient Table => _states.Client;

    private ValueTask<TableClient> EnsureTableAsync(CancellationToken cancellationToken) => _states.EnsureAsync(cancellationToken);

    private static TableTransactionAction ToAction(JobStateSave save)
    {
        TableEntity entity = ToEntity(save.State, save.UnsettledUntil, save.ExpectedVersion);
        return save.ExpectedVersion is null
            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(Versions.ETagOf(save.ExpectedVersion)));
    }

    /// <summary>The run's row: in the partition its version names when it was read, else in its bucket.</summary>
    private static TableEntity ToEntity(JobBillingState state, DateTimeOffset? unsettledUntil, string? version)
    {
        ArgumentNullException.ThrowIfNull(state);
        string rowKey = JobRunKeys.Run(state.JobId, state.StartTime);
        var entity = new TableEntity(version is null ? PartitionBuckets.Of(state.Cluster, rowKey) : Versions.PartitionOf(version), rowKey)
        {
            ["JobId"] = state.JobId,
            ["Institution"] = state.Institution,
            ["GpuModel"] = state.GpuModel,
            ["Account"] = state.Account,
            ["Gpus"] = state.Gpus,
            ["Cpus"] = state.Cpus,
            ["StartTime"] = state.StartTime,
            ["BilledThrough"] = state.BilledThrough,
            ["AttributesTs"] = state.AttributesTs,
            ["AttributesEventId"] = state.AttributesEventId,
        };

        // Absent, not null: the job has not ended yet.
        if (state.EndTime is { } end)
        {
            entity["EndTime"] = end;
            entity["EndEventTs"] = state.EndEventTs;
            entity["EndEventId"] = state.EndEventId;
        }

        if (unsettledUntil is { } unsettled)
        {
            entity["UnsettledUntil"] = unsettled;
        }

        return entity;
    }

    /// <summary>A stored state's version: the partition its row is in, and the row's ETag.</summary>
    private static class Versions
    {
        private const char Separator = '\n';

        public static string Of(string partitionKey, string etag) => partitionKey + Separator + etag;

        public static string PartitionOf(string version) => version[..version.IndexOf(Separator, StringComparison.Ordinal)];

        public static string ETagOf(string version) => version[(version.IndexOf(Separator, StringComparison.Ordinal) + 1)..];
    }
}
