namespace Metrics.Core.Usage;

/// <summary>
/// Maps UTC hours to billing months in the centre's IANA time zone (default <c>Asia/Shanghai</c>). Usage is kept per
/// UTC hour; a month is the set of UTC hours whose start falls in that local calendar month. That is exact only when
/// every local midnight is a UTC hour boundary, so a zone with any non-whole-hour offset is refused at start-up.
/// </summary>
public sealed class BillingCalendar
{
    public const string DefaultTimeZoneId = "Asia/Shanghai";

    private static readonly DateTime s_billingEra = new(2000, 1, 1);

    private BillingCalendar(TimeZoneInfo zone) => Zone = zone;

    public TimeZoneInfo Zone { get; }

    public string TimeZoneId => Zone.Id;

    /// <summary>
    /// Creates the calendar, or throws <see cref="ArgumentException"/> for an unknown zone or one whose offset is not a whole hour.
    /// </summary>
    public static BillingCalendar Create(string? timeZoneId)
    {
        string id = string.IsNullOrWhiteSpace(timeZoneId) ? DefaultTimeZoneId : timeZoneId;
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new ArgumentException($"Billing time zone '{id}' is not a known IANA time zone.", ex);
        }

        // Only the offsets of the billing era matter: most zones began on local mean time (Shanghai was +08:05:43
        // before 1901), which no bill will ever cover.
        if (
            !IsWholeHour(zone.BaseUtcOffset)
            || zone.GetAdjustmentRules()
                .Any(r =>
                    r.DateEnd >= s_billingEra && (!IsWholeHour(r.DaylightDelta) || !IsWholeHour(zone.BaseUtcOffset + r.BaseUtcOffsetDelta))
                )
        )
        {
            throw new ArgumentException(
                $"Billing time zone '{id}' has an offset that is not a whole hour; monthly bills are sums of UTC hours and need "
                    + $"whole-hour offsets."
            );
        }

        return new BillingCalendar(zone);
    }

    /// <summary>The UTC instant at which the month starts (local midnight of its first day).</summary>
    public DateTimeOffset StartUtc(BillingMonth month) => LocalMidnightUtc(month.FirstDay);

    /// <summary>The UTC instant at which the month ends (exclusive): the start of the next month.</summary>
    public DateTimeOffset EndUtc(BillingMonth month) => StartUtc(month.Next());

    /// <summary>The UTC instant at which the billing day starts (its local midnight, a whole UTC hour).</summary>
    public DateTimeOffset StartUtc(DateOnly day) => LocalMidnightUtc(day);

    /// <summary>The billing day (local date) containing <paramref name="instant"/>.</summary>
    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(instant.UtcDateTime, Zone));

    /// <summary>The billing month containing <paramref name="instant"/>.</summary>
    public BillingMonth MonthOf(DateTimeOffset instant)
    {
        DateTime local = TimeZoneInfo.ConvertTimeFromUtc(instant.UtcDateTime, Zone);
        return new BillingMonth(local.Year, local.Month);
    }

    private DateTimeOffset LocalMidnightUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        TimeSpan offset = Zone.IsInvalidTime(local) ? Zone.GetUtcOffset(local.AddHours(1)) : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static bool IsWholeHour(TimeSpan offset) => offset.Ticks % TimeSpan.TicksPerHour == 0;
}
