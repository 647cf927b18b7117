namespace Metrics.Core.Billing;

/// <summary>
/// A month's lines: the sums of its UTC hours' usage, and the number of distinct jobs with billed time in the month.
/// </summary>
public static class MonthlyAggregator
{
    public static IReadOnlyList<MonthlyUsage> Compute(BillingMonth month, IEnumerable<HourlyUsage> hours, IEnumerable<JobUsage> jobMonths)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(jobMonths);
        var sums = new SortedDictionary<UsageKey, (decimal Gpu, decimal Active, decimal Observed, decimal Cpu)>();
        foreach (HourlyUsage hour in hours)
        {
            sums.TryGetValue(hour.Key, out var s);
            sums[hour.Key] = (s.Gpu + hour.GpuSeconds, s.Active + hour.ActiveGpuSeconds, s.Observed + hour.ObservedGpuSeconds, s.Cpu + hour.CpuCoreSeconds);
        }

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
