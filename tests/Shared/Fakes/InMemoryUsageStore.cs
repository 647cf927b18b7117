namespace Metrics.Tests.Shared.Fakes;

/// <summary>The billing tables as dictionaries, with the same replace semantics as the Table storage adapter.</summary>
public sealed class InMemoryUsageStore : IUsageStore
{
    public ConcurrentDictionary<(string Period, string Cluster, string JobId, DateTimeOffset RunStart), JobUsage> JobHours { get; } = new();

    public ConcurrentDictionary<(string Period, string Cluster, string JobId, DateTimeOffset RunStart), JobUsage> JobMonths { get; } =
        new();

    public ConcurrentDictionary<DateTimeOffset, IReadOnlyList<HourlyUsage>> Hours { get; } = new();

    public ConcurrentDictionary<DateOnly, IReadOnlyList<DailyUsage>> Days { get; } = new();

    public ConcurrentDictionary<BillingMonth, IReadOnlyList<MonthlyUsage>> Months { get; } = new();

    /// <summary>The months' lines split by account (project).</summary>
    public ConcurrentDictionary<BillingMonth, IReadOnlyList<MonthlyUsage>> AccountMonths { get; } = new();

    /// <summary>How many hourly lines were read back: what daily partials keep a month's recompute from growing.</summary>
    public int HourlyLinesRead => _hourlyLinesRead;

    private int _hourlyLinesRead;

    /// <summary>When set, a write of job-hour rows that includes this period throws: a job hour whose fold fails.</summary>
    public string? FailJobHoursOf { get; set; }

    public Task WriteJobHoursAsync(IReadOnlyList<JobUsageChange> changes, CancellationToken cancellationToken) =>
        FailJobHoursOf is { } period && changes.Any(c => c.Period == period)
            ? Task.FromException(new InvalidOperationException($"writing job hour {period} failed"))
            : Apply(JobHours, changes);

    public Task WriteJobMonthsAsync(IReadOnlyList<JobUsageChange> changes, CancellationToken cancellationToken) =>
        Apply(JobMonths, changes);

    public Task<IReadOnlyList<JobUsage>> ReadJobHoursAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JobUsage>>(JobHours.Where(j => j.Key.Period == UtcHours.Key(hour)).Select(j => j.Value).ToArray());

    public Task<IReadOnlyList<JobUsage>> ReadJobMonthsAsync(BillingMonth month, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JobUsage>>(JobMonths.Where(j => j.Key.Period == month.ToString()).Select(j => j.Value).ToArray());

    public Task ReplaceHourAsync(
        DateTimeOffset hour,
        IReadOnlyList<HourlyUsage> lines,
        long generation,
        CancellationToken cancellationToken
    )
    {
        Fence($"hour {UtcHours.Key(hour)}", generation);
        Hours[hour] = lines;
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<HourlyUsage> ReadHoursAsync(
        DateTimeOffset fromHour,
        DateTimeOffset toHourExclusive,
        CancellationToken cancellationToken
    )
    {
        HourlyUsage[] lines = Hours.Where(h => h.Key >= fromHour && h.Key < toHourExclusive).SelectMany(h => h.Value).ToArray();
        Interlocked.Add(ref _hourlyLinesRead, lines.Length);
        return lines.ToAsyncEnumerable();
    }

    public Task ReplaceDayAsync(DateOnly day, IReadOnlyList<DailyUsage> lines, long generation, CancellationToken cancellationToken)
    {
        Fence($"day {day:yyyy-MM-dd}", generation);
        Days[day] = lines;
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<DailyUsage> ReadDaysAsync(DateOnly fromDay, DateOnly toDayExclusive, CancellationToken cancellationToken) =>
        ReadDaysAsync(fromDay, toDayExclusive, institution: null, cancellationToken);

    public IAsyncEnumerable<DailyUsage> ReadDaysAsync(
        DateOnly fromDay,
        DateOnly toDayExclusive,
        string? institution,
        CancellationToken cancellationToken
    ) =>
        Days.Where(d => d.Key >= fromDay && d.Key < toDayExclusive)
            .SelectMany(d => d.Value)
            .Where(d => institution is null || d.Institution == institution)
            .ToArray()
            .ToAsyncEnumerable();

    public Task ReplaceMonthAsync(BillingMonth month, MonthlyLines lines, long generation, CancellationToken cancellationToken)
    {
        Fence($"month {month}", generation);
        AccountMonths[month] = lines.Accounts;
        Months[month] = lines.Lines;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MonthlyUsage>> ReadMonthAccountsAsync(
        BillingMonth month,
        string? institution,
        CancellationToken cancellationToken
    ) => Task.FromResult(LinesOf(AccountMonths, month, institution));

    public Task<IReadOnlyList<MonthlyUsage>> ReadMonthAsync(BillingMonth month, string? institution, CancellationToken cancellationToken) =>
        Task.FromResult(LinesOf(Months, month, institution));

    /// <summary>A month's lines from one of the two tables, one institution's or all, in key order as the store gives them.</summary>
    private static IReadOnlyList<MonthlyUsage> LinesOf(
        ConcurrentDictionary<BillingMonth, IReadOnlyList<MonthlyUsage>> table,
        BillingMonth month,
        string? institution
    ) => table.GetValueOrDefault(month, []).Where(l => institution is null || l.Institution == institution).OrderBy(l => l.Key).ToArray();

    public Task<bool> InstitutionKnownAsync(string institution, CancellationToken cancellationToken) =>
        Task.FromResult(Months.Values.Any(lines => lines.Any(l => l.Institution == institution)));

    /// <summary>The last generation that replaced each hour, day and month: the Table adapter's fence rows.</summary>
    private readonly ConcurrentDictionary<string, long> _fences = new(StringComparer.Ordinal);

    /// <summary>
    /// Refuses a writer of an earlier generation than the last that wrote <paramref name="target"/>, as the adapter does.
    /// </summary>
    private void Fence(string target, long generation)
    {
        long written = _fences.AddOrUpdate(target, generation, (_, last) => Math.Max(last, generation));
        if (written > generation)
        {
            throw new FencedWriteException(target, generation, written);
        }
    }

    private static Task Apply(
        ConcurrentDictionary<(string, string, string, DateTimeOffset), JobUsage> table,
        IReadOnlyList<JobUsageChange> changes
    )
    {
        foreach (JobUsageChange change in changes)
        {
            if (change.Usage is null)
            {
                table.TryRemove((change.Period, change.Cluster, change.JobId, change.RunStart), out _);
            }
            else
            {
                table[(change.Period, change.Cluster, change.JobId, change.RunStart)] = change.Usage;
            }
        }

        return Task.CompletedTask;
    }

    public Task<BillingMonth?> EarliestMonthWithUsageAsync(BillingMonth? after, BillingMonth before, CancellationToken cancellationToken) =>
        Task.FromResult<BillingMonth?>(
            Months
                .Where(m => m.Value.Count > 0 && (after is null || m.Key.CompareTo(after.Value) > 0) && m.Key.CompareTo(before) < 0)
                .Select(m => (BillingMonth?)m.Key)
                .Min()
        );
}
