namespace Metrics.Contract;

/// <summary>
/// <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}](Z|±hh:mm)</c> exactly (<see cref="ContractPatterns.Timestamp"/>), with every part in
/// range, read from UTF-8 bytes as UTC without the general parser: the fast path's timestamps. Anything else, even what
/// the reference decoder might still accept, is refused here and left to it.
/// </summary>
internal static class Utf8Timestamps
{
    public static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset? value)
    {
        value = null;
        if (
            !TryDateTime(s, out DateTime local)
            || !TryFraction(s, out int at, out long fraction)
            || !TryOffset(s[at..], out long offsetTicks)
        )
        {
            return false;
        }

        long utc = local.Ticks + fraction - offsetTicks;
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }

    /// <summary>The first 19 bytes, <c>yyyy-MM-ddTHH:mm:ss</c>, every part in range.</summary>
    private static bool TryDateTime(ReadOnlySpan<byte> s, out DateTime local)
    {
        local = default;
        if (
            s.Length < 20
            || s[4] != '-'
            || s[7] != '-'
            || s[10] != 'T'
            || s[13] != ':'
            || s[16] != ':'
            || !Digits(s, 0, 4, out int year)
            || !Digits(s, 5, 2, out int month)
            || !Digits(s, 8, 2, out int day)
            || !Digits(s, 11, 2, out int hour)
            || !Digits(s, 14, 2, out int minute)
            || !Digits(s, 17, 2, out int second)
            || year < 1
            || month is < 1 or > 12
            || day < 1
            || day > DateTime.DaysInMonth(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        )
        {
            return false;
        }

        local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return true;
    }

    /// <summary>
    /// An optional fraction of 1 to 7 digits after the seconds, as ticks; <paramref name="at"/> is where the zone begins.
    /// </summary>
    private static bool TryFraction(ReadOnlySpan<byte> s, out int at, out long fraction)
    {
        at = 19;
        fraction = 0;
        if (s[at] != '.')
        {
            return true;
        }

        int digits = 0;
        for (at++; at < s.Length && char.IsAsciiDigit((char)s[at]); at++, digits++)
        {
            fraction = (fraction * 10) + (s[at] - '0');
        }

        if (digits is < 1 or > 7)
        {
            return false;
        }

        for (; digits < 7; digits++)
        {
            fraction *= 10;
        }

        return true;
    }

    /// <summary><c>Z</c> or <c>±hh:mm</c> up to 14 hours, as ticks to subtract.</summary>
    private static bool TryOffset(ReadOnlySpan<byte> zone, out long offsetTicks)
    {
        offsetTicks = 0;
        if (zone.Length == 1 && zone[0] == 'Z')
        {
            return true;
        }

        if (
            zone.Length == 6
            && zone[0] is (byte)'+' or (byte)'-'
            && zone[3] == ':'
            && Digits(zone, 1, 2, out int offsetHours)
            && Digits(zone, 4, 2, out int offsetMinutes)
            && offsetMinutes < 60
            && (offsetHours * 60) + offsetMinutes <= 14 * 60
        )
        {
            offsetTicks = ((offsetHours * 60L) + offsetMinutes) * TimeSpan.TicksPerMinute * (zone[0] == '-' ? -1 : 1);
            return true;
        }

        return false;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit((char)s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }
}
