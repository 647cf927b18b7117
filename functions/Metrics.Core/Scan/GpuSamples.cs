namespace Metrics.Core.Scan;

/// <summary>One GPU's distinct samples, sorted by time, in the first <see cref="Count"/> slots of a pooled array.</summary>
internal sealed class GpuSamples(SampleCandidate[] items)
{
    public SampleCandidate[] Items = items;

    public int Count;

    public Span<SampleCandidate> Held => Items.AsSpan(0, Count);

    /// <summary>Where a sample at <paramref name="ticks"/> is in a time-sorted list (<c>~insertion point</c> if absent).</summary>
    public static int IndexOf(ReadOnlySpan<SampleCandidate> samples, long ticks)
    {
        int low = 0,
            high = samples.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            long at = samples[middle].Ticks;
            if (at == ticks)
            {
                return middle;
            }

            if (at < ticks)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
