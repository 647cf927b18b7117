using Metrics.Core.Landing;
using Metrics.Core.Scan;
using Metrics.Core.Usage;

namespace Metrics.Core.Rollup;

/// <summary>
/// Computes one UTC hour's usage lines from the jobs billed in it and the GPU samples whose interval overlaps it.
/// Pure and deterministic: the same inputs, in any order, give the same lines. Lines are per account (project): a job's
/// billed time goes to its account, a sample's observed time to the account of the job it names (see
/// <see cref="JobAccounts"/>).
/// </summary>
public static class HourlyAggregator
{
    /// <summary>The lines of one hour from its jobs and the observed GPU time of its samples (see <see cref="ObservedHour"/>).</summary>
    public static IReadOnlyList<HourlyUsage> Compute(
        DateTimeOffset hour,
        IEnumerable<JobUsage> jobs,
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed
    )
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(observed);
        DateTimeOffset start = UtcHours.Floor(hour);
        var lines = new SortedDictionary<UsageKey, Accumulator>();

        foreach (JobUsage job in jobs)
        {
            if (job.Billed <= TimeSpan.Zero)
            {
                continue;
            }

            // Runs of one requeued job count as one job.
            Accumulator line = Line(lines, job.Key);
            line.JobIds.Add((job.Cluster, job.JobId));
            line.Seconds += new UsageSeconds(job.GpuSeconds, job.CpuCoreSeconds, 0m, 0m);
        }

        foreach ((UsageKey key, ObservedSeconds seconds) in observed)
        {
            Accumulator line = Line(lines, key);
            line.Seconds += new UsageSeconds(0m, 0m, seconds.Active, seconds.Observed);
        }

        return lines
            .Select(l => new HourlyUsage(start, l.Key.Institution, l.Key.GpuModel, l.Key.Account, l.Value.JobIds.Count, l.Value.Seconds))
            .ToArray();
    }

    private static Accumulator Line(SortedDictionary<UsageKey, Accumulator> lines, UsageKey key)
    {
        if (!lines.TryGetValue(key, out Accumulator? line))
        {
            line = new Accumulator();
            lines.Add(key, line);
        }

        return line;
    }

    private sealed class Accumulator
    {
        public HashSet<(string Cluster, string JobId)> JobIds { get; } = [];
        public UsageSeconds Seconds { get; set; }
    }
}
