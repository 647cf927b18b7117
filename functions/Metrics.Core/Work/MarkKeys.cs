using Metrics.Core.Usage;

namespace Metrics.Core.Work;

/// <summary>What a mark's key names: a UTC hour (<c>yyyyMMddHH</c>) or a billing month (<c>yyyy-MM</c>).</summary>
public static class MarkKeys
{
    /// <summary>The UTC hour an hour mark names.</summary>
    public static DateTimeOffset Hour(WorkMark mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        return UtcHours.TryParseKey(mark.Key, out DateTimeOffset hour)
            ? hour
            : throw new InvalidDataException($"Hour mark '{mark.Key}' is not yyyyMMddHH.");
    }

    /// <summary>The month a month mark names.</summary>
    public static BillingMonth Month(WorkMark mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        return BillingMonth.TryParse(mark.Key, out BillingMonth month)
            ? month
            : throw new InvalidDataException($"Month mark '{mark.Key}' is not yyyy-MM.");
    }

    /// <summary>The billing day a day mark names.</summary>
    public static DateOnly Day(WorkMark mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        return DateOnly.TryParseExact(mark.Key, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day)
            ? day
            : throw new InvalidDataException($"Day mark '{mark.Key}' is not yyyy-MM-dd.");
    }

    /// <summary>A billing day's key.</summary>
    public static string DayKey(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    private const string DayFormat = "yyyy-MM-dd";
}
