using Metrics.Core.Landing;
using Metrics.Core.Rollup;
using Metrics.Core.Scan;

namespace Metrics.Core.Tests.Rollup;

/// <summary>An hour's lines from its jobs and its samples given as records: the tests' small inputs.</summary>
internal static class HourFromSamples
{
    /// <summary>The lines of one hour from its jobs and its samples given as records .</summary>
    public static IReadOnlyList<HourlyUsage> Compute(DateTimeOffset hour, IEnumerable<JobUsage> jobs, IEnumerable<GpuSampleRow> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        jobs = jobs.ToArray();
        var observed = new ObservedHour(hour, accounts: JobAccounts.Of(jobs));
        foreach (GpuSampleRow sample in samples)
        {
            observed.Add(sample);
        }

        return HourlyAggregator.Compute(hour, jobs, observed.Totals());
    }
}
