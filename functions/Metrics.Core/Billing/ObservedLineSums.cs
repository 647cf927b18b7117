namespace Metrics.Core.Billing;

/// <summary>
/// Observed and active time per line of an hour, summed exactly: observed in ticks, active as utilisation x ticks.
/// Utilisation as sent has at most two decimals (nvidia-smi reports whole percent); then the decimal a conversion would
/// make is exactly hundredths / 100, and the sum is kept in integers, with no decimal multiplication per sample. Any
/// other value is summed as decimal. Both paths give the same figure to the last digit.
/// </summary>
internal sealed class ObservedLineSums(long start, long end)
{
    private readonly List<long> _observedTicks = [];
    private readonly List<Int128> _hundredthTicks = [];
    private readonly List<decimal> _percentTicks = [];

    /// <summary>Adds one winning sample: its time inside the hour, and that time weighted by its utilisation.</summary>
    public void Add(int line, long ticks, int intervalS, double utilPct)
    {
        while (_observedTicks.Count <= line)
        {
            _observedTicks.Add(0);
            _hundredthTicks.Add(0);
            _percentTicks.Add(0);
        }

        long inside = Math.Min(ticks, end) - Math.Max(ticks - (intervalS * TimeSpan.TicksPerSecond), start);
        _observedTicks[line] += inside;
        double scaled = Math.Round(utilPct * 100);
        if (Math.Abs(scaled) <= 1_000_000 && scaled / 100 == utilPct)
        {
            _hundredthTicks[line] += (Int128)(long)scaled * inside;
        }
        else
        {
            _percentTicks[line] += (decimal)utilPct * inside;
        }
    }

    /// <summary>The line's seconds, or null if none of its samples reached into the hour.</summary>
    public ObservedSeconds? Seconds(int line)
    {
        if (line >= _observedTicks.Count || _observedTicks[line] <= 0)
        {
            return null;
        }

        decimal observed = (decimal)_observedTicks[line] / TimeSpan.TicksPerSecond;
        decimal percentTicks = _percentTicks[line] + ((decimal)_hundredthTicks[line] / 100m);
        return new ObservedSeconds(percentTicks / (100m * TimeSpan.TicksPerSecond), observed);
    }

    public ObservedLineSums Copy()
    {
        var copy = new ObservedLineSums(start, end);
        copy._observedTicks.AddRange(_observedTicks);
        copy._hundredthTicks.AddRange(_hundredthTicks);
        copy._percentTicks.AddRange(_percentTicks);
        return copy;
    }
}
