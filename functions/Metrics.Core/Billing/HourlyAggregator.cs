namespace Metrics.Core.Billing;

/// <summary>
/// Computes one UTC hour's usage lines from the jobs billed in it and the GPU samples whose interval overlaps it.
/// Pure and deterministic: the same inputs, in any order, give the same lines.
/// </summary>
public static class HourlyAggregator
{
    public static IReadOnlyList<HourlyUsage> Compute(DateTimeOffset hour, IEnumerable<JobUsage> jobs, IEnumerable<GpuSampleRow> samples)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(samples);
        DateTimeOffset start = UtcHours.Floor(hour), end = start.AddHours(1);
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
            line.GpuSeconds += job.GpuSeconds;
            line.CpuCoreSeconds += job.CpuCoreSeconds;
        }

        foreach (GpuSampleRow sample in Deduplicate(samples))
        {
            if (sample.Institution is null)
            {
                continue;
            }

            TimeSpan overlap = UtcHours.Overlap(sample.Ts.AddSeconds(-sample.IntervalS), sample.Ts, start, end);
            if (overlap <= TimeSpan.Zero)
            {
                continue;
            }

            decimal observed = UtcHours.ToSeconds(overlap);
            Accumulator line = Line(lines, new UsageKey(sample.Institution, sample.GpuModel));
            line.ObservedGpuSeconds += observed;
            line.ActiveGpuSeconds += (decimal)sample.UtilPct / 100m * observed;
        }

        return lines.Select(l => new HourlyUsage(start, l.Key.Institution, l.Key.GpuModel, l.Value.JobIds.Count, l.Value.GpuSeconds, l.Value.CpuCoreSeconds, l.Value.ActiveGpuSeconds, l.Value.ObservedGpuSeconds)).ToArray();
    }

    /// <summary>
    /// A resent sample carries new sequence numbers but the same (gpu_uuid, ts): it counts once. Of the copies, the
    /// one with the lowest (partition, sequence) is kept, so the choice never depends on reading order.
    /// </summary>
    public static IEnumerable<GpuSampleRow> Deduplicate(IEnumerable<GpuSampleRow> samples)
    {
        var kept = new Dictionary<(string, DateTimeOffset), GpuSampleRow>();
        foreach (GpuSampleRow sample in samples)
        {
            var key = (sample.GpuUuid.ToUpperInvariant(), sample.Ts);
            if (!kept.TryGetValue(key, out GpuSampleRow? existing)
                || string.CompareOrdinal(sample.Partition, existing.Partition) < 0
                || (sample.Partition == existing.Partition && sample.Sequence < existing.Sequence))
            {
                kept[key] = sample;
            }
        }

        return kept.Values;
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
        public decimal GpuSeconds { get; set; }
        public decimal CpuCoreSeconds { get; set; }
        public decimal ActiveGpuSeconds { get; set; }
        public decimal ObservedGpuSeconds { get; set; }
    }
}
