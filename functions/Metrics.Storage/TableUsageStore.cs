namespace Metrics.Storage;

/// <summary>
/// The billing tables (keys in docs/billing.md). Every write replaces: upsert the new rows and delete rows that are no
/// longer there, in transactions that respect Table storage's limits. Hours, days and months are replaced fenced by the
/// writer's lock generation (<see cref="FencedPartition"/>), so each of their partitions also holds one fence row,
/// which every read leaves out.
/// </summary>
public sealed class TableUsageStore : IUsageStore
{
    /// <summary>Transactions in flight at once when writing job usage rows.</summary>
    private const int WriteParallelism = 8;

    private readonly TableClient _jobHours;
    private readonly TableClient _jobMonths;
    private readonly TableClient _hourly;
    private readonly TableClient _daily;
    private readonly TableClient _monthly;
    private readonly TableClient _accounts;

    /// <summary>(table, period) pairs whose unbucketed partition was found empty: it stays so.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), bool> _unbucketedEmpty = new();

    /// <summary>The same six tables, each made sure of once per store instance.</summary>
    private readonly TableCreatedOnce[] _ensured;

    public TableUsageStore(TableServiceClient tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _jobHours = tables.GetTableClient(StorageTables.JobHours);
        _jobMonths = tables.GetTableClient(StorageTables.JobMonths);
        _hourly = tables.GetTableClient(StorageTables.HourlyUsage);
        _daily = tables.GetTableClient(StorageTables.DailyUsage);
        _monthly = tables.GetTableClient(StorageTables.MonthlyUsage);
        _accounts = tables.GetTableClient(StorageTables.AccountUsage);
        _ensured = [.. new[] { _jobHours, _jobMonths, _hourly, _daily, _monthly, _accounts }.Select(t => new TableCreatedOnce(t))];
    }

    public Task WriteJobHoursAsync(IReadOnlyList<JobUsageChange> changes, CancellationToken cancellationToken) =>
        WriteJobUsageAsync(_jobHours, changes, cancellationToken);

    public Task WriteJobMonthsAsync(IReadOnlyList<JobUsageChange> changes, CancellationToken cancellationToken) =>
        WriteJobUsageAsync(_jobMonths, changes, cancellationToken);

    public Task<IReadOnlyList<JobUsage>> ReadJobHoursAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        ReadJobUsageAsync(_jobHours, UtcHours.Key(hour), cancellationToken);

    public Task<IReadOnlyList<JobUsage>> ReadJobMonthsAsync(BillingMonth month, CancellationToken cancellationToken) =>
        ReadJobUsageAsync(_jobMonths, month.ToString(), cancellationToken);

    public async Task ReplaceHourAsync(
        DateTimeOffset hour,
        IReadOnlyList<HourlyUsage> lines,
        long generation,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(lines);
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        string pk = UtcHours.Key(hour);
        var rows = lines.Select(l => UsageEntities.Hour(pk, l)).ToList();
        await FencedPartition.ReplaceAsync(_hourly, pk, rows, generation, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<HourlyUsage> ReadHoursAsync(
        DateTimeOffset fromHour,
        DateTimeOffset toHourExclusive,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        string filter =
            TableClient.CreateQueryFilter($"PartitionKey ge {UtcHours.Key(fromHour)} and PartitionKey lt {UtcHours.Key(toHourExclusive)}")
            + " and "
            + FencedPartition.UsageRowsOnly;
        await foreach (TableEntity e in _hourly.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            UtcHours.TryParseKey(e.PartitionKey, out DateTimeOffset hour);
            yield return UsageEntities.Hour(e, hour);
        }
    }

    public async Task ReplaceDayAsync(DateOnly day, IReadOnlyList<DailyUsage> lines, long generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        string pk = DayKey(day);
        var rows = lines.Select(l => UsageEntities.Day(pk, l)).ToList();
        await FencedPartition.ReplaceAsync(_daily, pk, rows, generation, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<DailyUsage> ReadDaysAsync(DateOnly fromDay, DateOnly toDayExclusive, CancellationToken cancellationToken) =>
        ReadDaysAsync(fromDay, toDayExclusive, institution: null, cancellationToken);

    public async IAsyncEnumerable<DailyUsage> ReadDaysAsync(
        DateOnly fromDay,
        DateOnly toDayExclusive,
        string? institution,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        // One institution's rows are one RowKey range in each day's partition (institution|model[|account]).
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {DayKey(fromDay)} and PartitionKey lt {DayKey(toDayExclusive)}");
        filter += " and " + (institution is null ? FencedPartition.UsageRowsOnly : InstitutionRows(institution));
        await foreach (TableEntity e in _daily.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return UsageEntities.Day(
                e,
                DateOnly.ParseExact(e.PartitionKey, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            );
        }
    }

    /// <summary><c>yyyy-MM-dd</c>: sorts as the days do, so a month is one key range.</summary>
    private static string DayKey(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task ReplaceMonthAsync(BillingMonth month, MonthlyLines lines, long generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        string pk = month.ToString();

        // The accounts first, then finance's view: each table is whole on its own, and a process that dies in between
        // leaves the month's mark for the next run, which rewrites both. One institution's lines are a RowKey range of
        // the month's partition (institution|model), so no copy keyed by institution is kept: that copy cost one
        // transaction per institution on every recompute of a month (some thousands for a national month).
        foreach ((TableClient table, IReadOnlyList<MonthlyUsage> rows) in new[] { (_accounts, lines.Accounts), (_monthly, lines.Lines) })
        {
            List<TableEntity> entities = rows.Select(l => UsageEntities.MonthLine(pk, l)).ToList();
            await FencedPartition.ReplaceAsync(table, pk, entities, generation, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<MonthlyUsage>> ReadMonthAccountsAsync(
        BillingMonth month,
        string? institution,
        CancellationToken cancellationToken
    ) => ReadMonthlyAsync(_accounts, month, institution, cancellationToken);

    public Task<IReadOnlyList<MonthlyUsage>> ReadMonthAsync(BillingMonth month, string? institution, CancellationToken cancellationToken) =>
        ReadMonthlyAsync(_monthly, month, institution, cancellationToken);

    public async Task<BillingMonth?> EarliestMonthWithUsageAsync(
        BillingMonth? after,
        BillingMonth before,
        CancellationToken cancellationToken
    )
    {
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        // Partitions are months (yyyy-MM), which sort as the months do: the first entity of the range is in the earliest.
        string filter =
            (
                after is { } from
                    ? TableClient.CreateQueryFilter($"PartitionKey gt {from.ToString()} and PartitionKey lt {before.ToString()}")
                    : TableClient.CreateQueryFilter($"PartitionKey lt {before.ToString()}")
            )
            + " and "
            + FencedPartition.UsageRowsOnly;
        await foreach (
            TableEntity e in _monthly
                .QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken)
                .ConfigureAwait(false)
        )
        {
            return BillingMonth.TryParse(e.PartitionKey, out BillingMonth month) ? month : null;
        }

        return null;
    }

    /// <summary>A monthly table's month: one partition, or one institution's RowKey range of it.</summary>
    private async Task<IReadOnlyList<MonthlyUsage>> ReadMonthlyAsync(
        TableClient table,
        BillingMonth month,
        string? institution,
        CancellationToken cancellationToken
    )
    {
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {month.ToString()}");
        filter += " and " + (institution is null ? FencedPartition.UsageRowsOnly : InstitutionRows(institution));

        return await ReadMonthlyAsync(table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken), month)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// One institution's rows in a partition keyed <c>institution|model[|account]</c>: ids never hold <c>|</c>, and
    /// <c>}</c> sorts just after it, so the range holds that institution only, not one whose id it begins.
    /// </summary>
    private static string InstitutionRows(string institution) =>
        TableClient.CreateQueryFilter($"RowKey ge {institution + "|"} and RowKey lt {institution + "}"}");

    private static async Task<IReadOnlyList<MonthlyUsage>> ReadMonthlyAsync(IAsyncEnumerable<TableEntity> query, BillingMonth month)
    {
        var lines = new List<MonthlyUsage>();
        await foreach (TableEntity e in query.ConfigureAwait(false))
        {
            lines.Add(UsageEntities.MonthLine(e, month));
        }

        lines.Sort((a, b) => a.Key.CompareTo(b.Key));
        return lines;
    }

    /// <summary>
    /// Whether the institution has a line in any month: its RowKey range in each month's partition (one partition per
    /// month, so a few dozen ranges however many institutions there are). Asked only when a month has none of its lines.
    /// </summary>
    public async Task<bool> InstitutionKnownAsync(string institution, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        string filter = InstitutionRows(institution);
        await foreach (
            TableEntity _ in _monthly
                .QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken)
                .ConfigureAwait(false)
        )
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// Job usage rows, spread over their period's buckets (<see cref="PartitionBuckets"/>): the upserts as transactions per
    /// partition, several in flight at once (a national job hour changes thousands of runs, and each row appears once,
    /// so concurrent transactions never touch the same entity); then, where the period still holds rows written before
    /// it was bucketed, the replaced runs' old rows go, so that a run is one row; then the removals.
    /// </summary>
    private async Task WriteJobUsageAsync(TableClient table, IReadOnlyList<JobUsageChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        var chunks = new List<IReadOnlyList<TableTransactionAction>>();
        foreach (
            var partition in changes
                .Where(c => c.Usage is not null)
                .GroupBy(c => PartitionBuckets.Of(c.Period, RunRowKey(c)), StringComparer.Ordinal)
        )
        {
            chunks.AddRange(
                TableTransactions.Chunk(
                    partition.Select(c => new TableTransactionAction(
                        TableTransactionActionType.UpsertReplace,
                        UsageEntities.Run(partition.Key, RunRowKey(c), c, c.Usage!)
                    ))
                )
            );
        }

        await SubmitConcurrentlyAsync(table, chunks, cancellationToken).ConfigureAwait(false);
        foreach (IGrouping<string, JobUsageChange> period in changes.GroupBy(c => c.Period, StringComparer.Ordinal))
        {
            if (await HasUnbucketedRowsAsync(table, period.Key, cancellationToken).ConfigureAwait(false))
            {
                foreach (JobUsageChange change in period)
                {
                    await table
                        .DeleteEntityAsync(period.Key, RunRowKey(change), cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                }
            }
        }

        // Removals are rare (an end event that trims a job); deleting one that is already gone is not an error.
        foreach (JobUsageChange removal in changes.Where(c => c.Usage is null))
        {
            string rowKey = RunRowKey(removal);
            await table
                .DeleteEntityAsync(PartitionBuckets.Of(removal.Period, rowKey), rowKey, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the period's own partition still holds rows (written before periods were bucketed). Nothing writes there
    /// any more, so a period found empty is remembered as such.
    /// </summary>
    private async Task<bool> HasUnbucketedRowsAsync(TableClient table, string period, CancellationToken cancellationToken)
    {
        if (_unbucketedEmpty.ContainsKey((table.Name, period)))
        {
            return false;
        }

        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {period}");
        await foreach (
            TableEntity _ in table
                .QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken)
                .ConfigureAwait(false)
        )
        {
            return true;
        }

        _unbucketedEmpty[(table.Name, period)] = true;
        return false;
    }

    private static string RunRowKey(JobUsageChange change) => JobRunKeys.ClusterRun(change.Cluster, change.JobId, change.RunStart);

    private async Task<IReadOnlyList<JobUsage>> ReadJobUsageAsync(TableClient table, string period, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        var usage = new List<JobUsage>();
        await foreach (
            TableEntity e in table
                .QueryAsync<TableEntity>(PartitionBuckets.PartitionsOf(period), cancellationToken: cancellationToken)
                .ConfigureAwait(false)
        )
        {
            usage.Add(UsageEntities.Run(e));
        }

        return usage;
    }

    /// <summary>Transactions that touch distinct rows, <see cref="WriteParallelism"/> in flight at once.</summary>
    private static Task SubmitConcurrentlyAsync(
        TableClient table,
        IEnumerable<IReadOnlyList<TableTransactionAction>> chunks,
        CancellationToken cancellationToken
    ) =>
        Parallel.ForEachAsync(
            chunks,
            new ParallelOptions { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = cancellationToken },
            async (chunk, token) => await table.SubmitTransactionAsync(chunk, token).ConfigureAwait(false)
        );

    /// <summary>Makes sure of every billing table once per store instance (see <see cref="TableCreatedOnce"/>).</summary>
    private async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        foreach (TableCreatedOnce table in _ensured)
        {
            await table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
