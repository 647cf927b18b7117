namespace Metrics.Core.Scan;

/// <summary>
/// The time of one GPU already counted in an hour, as disjoint segments in time order. Fed the GPU's distinct samples in
/// time order, it answers how much of each sample's <c>[ts - interval, ts)</c> inside the hour no earlier sample
/// covered: so a GPU's time counts once however its samples overlap (a node clock stepped back, a resumed agent at
/// another interval), and every second some sample covers is counted. Samples a steady interval apart keep it at one
/// segment; each segment is merged away at most once, so a sample costs O(1) amortised.
/// </summary>
internal sealed class GpuCoverage(long start, long end)
{
    private readonly List<(long From, long To)> _segments = [];

    /// <summary>Forgets the GPU: the next sample is another GPU's.</summary>
    public void Clear() => _segments.Clear();

    /// <summary>
    /// Counts the sample at <paramref name="ticks"/> covering <paramref name="intervalS"/> seconds before it; returns the
    /// ticks of it inside the hour that no earlier sample covered. Samples must come in time order.
    /// </summary>
    public long Count(long ticks, int intervalS)
    {
        long from = Math.Max(ticks - (intervalS * TimeSpan.TicksPerSecond), start);
        long to = Math.Min(ticks, end);
        if (to <= from)
        {
            return 0;
        }

        // Every segment ends at or before `to` (samples come in time order), so those that meet [from, to) are the last
        // few: take each one's overlap off, and merge them (and one that ends exactly at `from`) into the new segment.
        long fresh = to - from;
        long merged = from;
        while (_segments.Count > 0 && _segments[^1].To >= from)
        {
            (long segmentFrom, long segmentTo) = _segments[^1];
            fresh -= Math.Max(0, segmentTo - Math.Max(segmentFrom, from));
            merged = Math.Min(merged, segmentFrom);
            _segments.RemoveAt(_segments.Count - 1);
        }

        _segments.Add((merged, to));
        return fresh;
    }
}
