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
        var sums = new SortedDictionary<UsageKey, (decimal Gpu, decimal Active, decimal Observed, decimal Cpu)>();
        foreach (HourlyUsage hour in hours)
        {
            Add(sums, hour);
        }

        return Compute(month, sums, jobMonths);
    }

    /// <summary>The same, with the hours streamed: memory holds one sum per line, not the month's hourly rows.</summary>
    public static async Task<IReadOnlyList<MonthlyUsage>> ComputeAsync(BillingMonth month, IAsyncEnumerable<HourlyUsage> hours, IEnumerable<JobUsage> jobMonths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var sums = new SortedDictionary<UsageKey, (decimal Gpu, decimal Active, decimal Observed, decimal Cpu)>();
        await foreach (HourlyUsage hour in hours.WithCancellation(cancellationToken).ConfigureAwait(false))
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
        var sums = new SortedDictionary<UsageKey, (decimal Gpu, decimal Active, decimal Observed, decimal Cpu)>();
        await foreach (DailyUsage day in days.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            sums.TryGetValue(day.Key, out var s);
            sums[day.Key] = (s.Gpu + day.GpuSeconds, s.Active + day.ActiveGpuSeconds, s.Observed + day.ObservedGpuSeconds, s.Cpu + day.CpuCoreSeconds);
        }

        return Compute(month, sums, jobMonths);
    }

    /// <summary>A billing day's lines: the sums of its UTC hours, streamed.</summary>
    public static async Task<IReadOnlyList<DailyUsage>> ComputeDayAsync(DateOnly day, IAsyncEnumerable<HourlyUsage> hours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var sums = new SortedDictionary<UsageKey, (decimal Gpu, decimal Active, decimal Observed, decimal Cpu)>();
        await foreach (HourlyUsage hour in hours.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Add(sums, hour);
        }

        return sums.Select(s => new DailyUsage(day, s.Key.Institution, s.Key.GpuModel, s.Value.Gpu, s.Value.Cpu, s.Value.Active, s.Value.Observed)).ToArray();
    }

    private static void Add(SortedDictionary<UsageKey, (decimal Gpu, decimal Active, decimal Observed, decimal Cpu)> sums, HourlyUsage hour)
    {
        sums.TryGetValue(hour.Key, out var s);
        sums[hour.Key] = (s.Gpu + hour.GpuSeconds, s.Active + hour.ActiveGpuSeconds, s.Observed + hour.ObservedGpuSeconds, s.Cpu + hour.CpuCoreSeconds);
    }

    private static IReadOnlyList<MonthlyUsage> Compute(BillingMonth month, SortedDictionary<UsageKey, (decimal Gpu, decimal Active, decimal Observed, decimal Cpu)> sums, IEnumerable<JobUsage> jobMonths)
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
