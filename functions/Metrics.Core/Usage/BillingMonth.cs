namespace Metrics.Core.Usage;

/// <summary>A calendar month in the centre's time zone, written <c>yyyy-MM</c>.</summary>
public readonly partial record struct BillingMonth(int Year, int Month) : IComparable<BillingMonth>
{
    /// <summary>No telemetry is accepted before 2000 (the contract's earliest timestamp), so no month before it exists.</summary>
    public const int MinYear = 2000;

    /// <summary>Far beyond any bill, and far from <see cref="DateTime.MaxValue"/>, so month arithmetic never overflows.</summary>
    public const int MaxYear = 2199;

    /// <summary>
    /// Parses <c>yyyy-MM</c> with ASCII digits only (<c>\d</c> would accept any Unicode digit, which
    /// <see cref="int.Parse(string)"/> then refuses) and a year within <see cref="MinYear"/>..<see cref="MaxYear"/>.
    /// </summary>
    public static bool TryParse(string? text, out BillingMonth month)
    {
        month = default;
        if (text is null || text.Length != 7 || !Pattern().IsMatch(text))
        {
            return false;
        }

        int year = int.Parse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        if (year is < MinYear or > MaxYear)
        {
            return false;
        }

        month = new BillingMonth(year, int.Parse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture));
        return true;
    }

    public BillingMonth Next() => Month == 12 ? new BillingMonth(Year + 1, 1) : new BillingMonth(Year, Month + 1);

    public BillingMonth Previous() => Month == 1 ? new BillingMonth(Year - 1, 12) : new BillingMonth(Year, Month - 1);

    /// <summary>The last day of the month, as a local date in the billing time zone.</summary>
    public DateOnly LastDay => Next().FirstDay.AddDays(-1);

    /// <summary>The first day of the month, as a local date in the billing time zone.</summary>
    public DateOnly FirstDay => new(Year, Month, 1);

    public int CompareTo(BillingMonth other) => (Year, Month).CompareTo((other.Year, other.Month));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    [GeneratedRegex(@"^[0-9]{4}-(0[1-9]|1[0-2])\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
