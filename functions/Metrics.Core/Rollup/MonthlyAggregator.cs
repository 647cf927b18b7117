using Metrics.Core.Usage;
using LineSums = System.Collections.Generic.SortedDictionary<Metrics.Core.Usage.UsageKey, Metrics.Core.Usage.UsageSeconds>;

namespace Metrics.Core.Rollup;

/// <summary>
/// A month's lines: the sums of its usage (its billing days' partial sums, or its UTC hours'), and the number of
/// distinct jobs with billed time in the month. Sums of decimals are exact, so days and hours give the same lines.
/// Hours and days are kept per account (project); a month is summed per account and per institution line alike.
/// </summary>
public static class MonthlyAggregator
{
    /// <summary>The month's institution lines from its hours (small inputs and tests).</summary>
    public static IReadOnlyList<MonthlyUsage> Compute(BillingMonth month, IEnumerable<HourlyUsage> hours, IEnumerable<JobUsage> jobMonths)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var sums = new LineSums();
        foreach (HourlyUsage hour in hours)
        {
            Add(sums, hour);
        }

        return Compute(month, sums, jobMonths).Lines;
    }

    /// <summary>
    /// The same from the month's days (<see cref="DailyUsage"/>), streamed: what the rollup uses, so that a month's
    /// recompute reads at most 31 rows per line, whatever the day of the month.
    /// </summary>
    public static async Task<MonthlyLines> ComputeFromDaysAsync(
        BillingMonth month,
        IAsyncEnumerable<DailyUsage> days,
        IEnumerable<JobUsage> jobMonths,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(days);
        var sums = new LineSums();
        await foreach (DailyUsage day in days.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Add(sums, day.Key, day.Seconds);
        }

        return Compute(month, sums, jobMonths);
    }

    /// <summary>A billing day's lines, per account: the sums of its UTC hours, streamed.</summary>
    public static async Task<IReadOnlyList<DailyUsage>> ComputeDayAsync(
        DateOnly day,
        IAsyncEnumerable<HourlyUsage> hours,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(hours);
        var sums = new LineSums();
        await foreach (HourlyUsage hour in hours.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Add(sums, hour);
        }

        return sums.Select(s => new DailyUsage(day, s.Key.Institution, s.Key.GpuModel, s.Key.Account, s.Value)).ToArray();
    }

    private static void Add(LineSums sums, HourlyUsage hour) => Add(sums, hour.Key, hour.Seconds);

    private static void Add(LineSums sums, UsageKey key, UsageSeconds seconds)
    {
        sums.TryGetValue(key, out UsageSeconds sum);
        sums[key] = sum + seconds;
    }

    /// <summary>The lines per account as summed, and per institution line (the accounts' sums added up).</summary>
    private static MonthlyLines Compute(BillingMonth month, LineSums accountSums, IEnumerable<JobUsage> jobMonths)
    {
        ArgumentNullException.ThrowIfNull(jobMonths);

        // Distinct jobs with billed time: per account, and per line (a job counts once in its line, whatever its runs'
        // accounts).
        var accountJobs = new Dictionary<UsageKey, HashSet<(string, string)>>();
        var lineJobs = new Dictionary<UsageKey, HashSet<(string, string)>>();
        foreach (JobUsage job in jobMonths)
        {
            if (job.Billed <= TimeSpan.Zero)
            {
                continue;
            }

            AddJob(accountJobs, job.Key, job);
            AddJob(lineJobs, job.Key.Line(), job);
            if (!accountSums.ContainsKey(job.Key))
            {
                accountSums[job.Key] = default;
            }
        }

        var lineSums = new LineSums();
        foreach ((UsageKey key, UsageSeconds seconds) in accountSums)
        {
            Add(lineSums, key.Line(), seconds);
        }

        return new MonthlyLines(Lines(month, lineSums, lineJobs), Lines(month, accountSums, accountJobs));
    }

    private static MonthlyUsage[] Lines(BillingMonth month, LineSums sums, Dictionary<UsageKey, HashSet<(string, string)>> jobs) =>
        sums.Select(s => new MonthlyUsage(
                month,
                s.Key.Institution,
                s.Key.GpuModel,
                s.Key.Account,
                jobs.TryGetValue(s.Key, out var set) ? set.Count : 0,
                s.Value
            ))
            .ToArray();

    private static void AddJob(Dictionary<UsageKey, HashSet<(string, string)>> jobs, UsageKey key, JobUsage job)
    {
        if (!jobs.TryGetValue(key, out var set))
        {
            jobs[key] = set = [];
        }

        set.Add((job.Cluster, job.JobId));
    }
}
