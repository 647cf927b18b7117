using Metrics.Core.Usage;

namespace Metrics.Core.Scan;

/// <summary>
/// Observed and active time per line of an hour, summed exactly: observed in ticks, active as utilisation x ticks.
/// Utilisation as sent has at most two decimals (nvidia-smi reports whole percent); then the decimal a conversion would
/// make is exactly hundredths / 100, and the sum is kept in integers, with no decimal multiplication per sample. Any
/// other value is summed as decimal. Both paths give the same figure to the last digit.
/// </summary>
internal sealed class ObservedLineSums
{
    private long[] _observedTicks = [];
    private Int128[] _hundredthTicks = [];
    private decimal[] _percentTicks = [];
    private int _lines;

    /// <summary>
    /// Adds one winning sample's counted time inside the hour (<paramref name="inside"/> ticks, see
    /// <see cref="GpuCoverage"/>), and that time weighted by its utilisation.
    /// </summary>
    public void Add(int line, long inside, double utilPct)
    {
        if (inside <= 0)
        {
            return;
        }

        if (line >= _lines)
        {
            Grow(line + 1);
        }

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

    private void Grow(int lines)
    {
        if (lines > _observedTicks.Length)
        {
            int size = Math.Max(lines, Math.Max(16, _observedTicks.Length * 2));
            System.Array.Resize(ref _observedTicks, size);
            System.Array.Resize(ref _hundredthTicks, size);
            System.Array.Resize(ref _percentTicks, size);
        }

        _lines = lines;
    }

    /// <summary>The line's seconds, or null if none of its samples reached into the hour.</summary>
    public ObservedSeconds? Seconds(int line)
    {
        if (line >= _lines || _observedTicks[line] <= 0)
        {
            return null;
        }

        decimal observed = (decimal)_observedTicks[line] / TimeSpan.TicksPerSecond;
        decimal percentTicks = _percentTicks[line] + ((decimal)_hundredthTicks[line] / 100m);
        return new ObservedSeconds(percentTicks / (100m * TimeSpan.TicksPerSecond), observed);
    }

    public ObservedLineSums Copy() =>
        new()
        {
            _observedTicks = (long[])_observedTicks.Clone(),
            _hundredthTicks = (Int128[])_hundredthTicks.Clone(),
            _percentTicks = (decimal[])_percentTicks.Clone(),
            _lines = _lines,
        };
}
