using System.Globalization;
using System.Text.RegularExpressions;

namespace Metrics.Core.Billing;

/// <summary>A calendar month in the centre's time zone, written <c>yyyy-MM</c>.</summary>
public readonly partial record struct BillingMonth(int Year, int Month) : IComparable<BillingMonth>
{
    public static bool TryParse(string? text, out BillingMonth month)
    {
        month = default;
        if (text is null || !Pattern().IsMatch(text))
        {
            return false;
        }

        month = new BillingMonth(int.Parse(text.AsSpan(0, 4), CultureInfo.InvariantCulture), int.Parse(text.AsSpan(5, 2), CultureInfo.InvariantCulture));
        return true;
    }

    public BillingMonth Next() => Month == 12 ? new BillingMonth(Year + 1, 1) : new BillingMonth(Year, Month + 1);

    /// <summary>The first day of the month, as a local date in the billing time zone.</summary>
    public DateOnly FirstDay => new(Year, Month, 1);

    public int CompareTo(BillingMonth other) => (Year, Month).CompareTo((other.Year, other.Month));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
