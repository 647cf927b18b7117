using LineSums = System.Collections.Generic.SortedDictionary<Metrics.Core.Billing.UsageKey, (decimal Gpu, decimal Active, decimal Observed, decimal Cpu)>;

namespace Metrics.Core.Billing;

/// <summary>
/// A month's lines: the sums of its usage (its billing days' partial sums, or its UTC hours'), and the number of
/// distinct jobs with billed time in the month. Sums of decimals are exact, so days and hours give the same lines.
/// </summary>
public static class MonthlyAggregator
{
    public static IReadOnlyList<MonthlyUsage> Compute(BillingMonth month, IEnumerable<HourlyUsage> hours, IEnumerable<JobUsage> jobMonths)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var sums = new LineSums();
        foreach (HourlyUsage hour in hours)
        {
            Add(sums, hour);
        }

        return Compute(month, sums, jobMonths);
    }

    /// <summary>
    /// The same from the month's days (<see cref="DailyUsage"/>), streamed: what the rollup uses, so that a month's
    /// recompute reads at most 31 rows per line, whatever the day of the month.
    /// </summary>
    public static async Task<IReadOnlyList<MonthlyUsage>> ComputeFromDaysAsync(BillingMonth month, IAsyncEnumerable<DailyUsage> days, IEnumerable<JobUsage> jobMonths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(days);
        var sums = new LineSums();
        await foreach (DailyUsage day in days.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Add(sums, day.Key, day.GpuSeconds, day.ActiveGpuSeconds, day.ObservedGpuSeconds, day.CpuCoreSeconds);
        }

        return Compute(month, sums, jobMonths);
    }

    /// <summary>A billing day's lines: the sums of its UTC hours, streamed.</summary>
    public static async Task<IReadOnlyList<DailyUsage>> ComputeDayAsync(DateOnly day, IAsyncEnumerable<HourlyUsage> hours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var sums = new LineSums();
        await foreach (HourlyUsage hour in hours.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Add(sums, hour);
        }

        return sums.Select(s => new DailyUsage(day, s.Key.Institution, s.Key.GpuModel, s.Value.Gpu, s.Value.Cpu, s.Value.Active, s.Value.Observed)).ToArray();
    }

    private static void Add(LineSums sums, HourlyUsage hour) =>
        Add(sums, hour.Key, hour.GpuSeconds, hour.ActiveGpuSeconds, hour.ObservedGpuSeconds, hour.CpuCoreSeconds);

    private static void Add(LineSums sums, UsageKey key, decimal gpu, decimal active, decimal observed, decimal cpu)
    {
        sums.TryGetValue(key, out var s);
        sums[key] = (s.Gpu + gpu, s.Active + active, s.Observed + observed, s.Cpu + cpu);
    }

    private static IReadOnlyList<MonthlyUsage> Compute(BillingMonth month, LineSums sums, IEnumerable<JobUsage> jobMonths)
    {
        ArgumentNullException.ThrowIfNull(jobMonths);

        var jobs = new Dictionary<UsageKey, HashSet<(string, string)>>();
        foreach (JobUsage job in jobMonths)
        {
            if (job.Billed <= TimeSpan.Zero)
            {
                continue;
            }

            if (!jobs.TryGetValue(job.Key, out var set))
            {
                jobs[job.Key] = set = [];
            }

            set.Add((job.Cluster, job.JobId));
            if (!sums.ContainsKey(job.Key))
            {
                sums[job.Key] = default;
            }
        }

        return sums
            .Select(s => new MonthlyUsage(month, s.Key.Institution, s.Key.GpuModel, jobs.TryGetValue(s.Key, out var set) ? set.Count : 0, s.Value.Gpu, s.Value.Active, s.Value.Observed, s.Value.Cpu))
            .ToArray();
    }
}
