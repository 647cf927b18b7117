using Metrics.Core.Usage;

namespace Metrics.Core.Rollup;

/// <summary>
/// How a job's billed interval spreads over UTC hours and billing months: GPUs (and CPUs) times the overlap of
/// <c>[start, billed end)</c> with each period, kept in GPU-seconds (exact) and reported in hours. Fractional GPUs (MIG slices) bill as
/// fractions.
/// </summary>
public static class JobContributions
{
    public static IReadOnlyDictionary<DateTimeOffset, JobUsage> ByHour(JobBillingState job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var hours = new SortedDictionary<DateTimeOffset, JobUsage>();
        foreach (DateTimeOffset hour in UtcHours.Overlapping(job.StartTime, job.BilledEnd))
        {
            hours[hour] = Usage(job, UtcHours.Overlap(job.StartTime, job.BilledEnd, hour, hour.AddHours(1)));
        }

        return hours;
    }

    public static IReadOnlyDictionary<BillingMonth, JobUsage> ByMonth(JobBillingState job, BillingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(calendar);
        var months = new SortedDictionary<BillingMonth, JobUsage>();
        if (job.BilledEnd <= job.StartTime)
        {
            return months;
        }

        for (BillingMonth month = calendar.MonthOf(job.StartTime); calendar.StartUtc(month) < job.BilledEnd; month = month.Next())
        {
            months[month] = Usage(job, UtcHours.Overlap(job.StartTime, job.BilledEnd, calendar.StartUtc(month), calendar.EndUtc(month)));
        }

        return months;
    }

    /// <summary>
    /// The periods whose usage differs between two states of a job (including periods one of them does not reach):
    /// exactly what a state change must rewrite, and no more.
    /// </summary>
    public static IReadOnlyList<(TPeriod Period, JobUsage? Usage)> Changes<TPeriod>(
        IReadOnlyDictionary<TPeriod, JobUsage> before,
        IReadOnlyDictionary<TPeriod, JobUsage> after
    )
        where TPeriod : notnull
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<(TPeriod, JobUsage?)>();
        foreach ((TPeriod period, JobUsage usage) in after)
        {
            if (!before.TryGetValue(period, out JobUsage? old) || old != usage)
            {
                changes.Add((period, usage));
            }
        }

        foreach (TPeriod period in before.Keys)
        {
            if (!after.ContainsKey(period))
            {
                changes.Add((period, null));
            }
        }

        return changes;
    }

    private static JobUsage Usage(JobBillingState job, TimeSpan billed)
    {
        decimal seconds = UtcHours.ToSeconds(billed);
        return new JobUsage(
            job.Cluster,
            job.JobId,
            job.StartTime,
            job.Institution,
            job.GpuModel,
            billed,
            (decimal)job.Gpus * seconds,
            job.Cpus * seconds,
            job.Account
        );
    }
}
