namespace Metrics.Core.Usage;

/// <summary>Arithmetic on UTC hours and intervals, shared by every billing rule.</summary>
public static class UtcHours
{
    public const string KeyFormat = "yyyyMMddHH";

    /// <summary>The UTC hour containing <paramref name="instant"/>.</summary>
    public static DateTimeOffset Floor(DateTimeOffset instant)
    {
        DateTimeOffset utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Length of the overlap of <c>[start, end)</c> with <c>[periodStart, periodEnd)</c>, zero if none.</summary>
    public static TimeSpan Overlap(DateTimeOffset start, DateTimeOffset end, DateTimeOffset periodStart, DateTimeOffset periodEnd)
    {
        DateTimeOffset from = start > periodStart ? start : periodStart;
        DateTimeOffset to = end < periodEnd ? end : periodEnd;
        return to > from ? to - from : TimeSpan.Zero;
    }

    /// <summary>Every UTC hour that <c>[start, end)</c> overlaps, in order.</summary>
    public static IEnumerable<DateTimeOffset> Overlapping(DateTimeOffset start, DateTimeOffset end)
    {
        for (DateTimeOffset hour = Floor(start); hour < end; hour = hour.AddHours(1))
        {
            yield return hour;
        }
    }

    /// <summary>
    /// Seconds as an exact decimal (ticks are 100 ns, so this never rounds). Billing sums seconds, which is exact and
    /// independent of order, and divides by 3,600 once, when it reports hours.
    /// </summary>
    public static decimal ToSeconds(TimeSpan span) => (decimal)span.Ticks / TimeSpan.TicksPerSecond;

    public static string Key(DateTimeOffset hour) => Floor(hour).ToString(KeyFormat, CultureInfo.InvariantCulture);

    public static bool TryParseKey(string? key, out DateTimeOffset hour) =>
        DateTimeOffset.TryParseExact(
            key,
            KeyFormat,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out hour
        );
}
