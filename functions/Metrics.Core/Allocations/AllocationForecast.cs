using Metrics.Core.Usage;

namespace Metrics.Core.Allocations;

/// <summary>
/// The forecast: a straight line from what is used now, at the recent daily burn, to the period's end.
/// <list type="bullet">
/// <item>The burn is the use of the last <see cref="WindowDays"/> complete local days of the period before today, divided
/// by their number: a week, so that a weekly rhythm of work does not swing it, and recent, so that a project that has
/// sped up or slowed down is projected at its present pace. When the period began today there is no complete day yet,
/// and the burn is today's use so far over the part of today that has passed.</item>
/// <item>forecast = used + burn x (days left in the period, counted from now to the end of its last day, in fractions of a
/// day). Once the period is over, the forecast is what was used.</item>
/// <item>It runs out on the local day on which used + burn x t reaches the amount, if that is within the period.</item>
/// <item>Status: <c>exhausted</c> when used has reached the amount, <c>at-risk</c> when the forecast has, else <c>ok</c>.</item>
/// </list>
/// Late data moves the figures as it arrives: they are recomputed from the billing tables at every rollup.
/// </summary>
public static class AllocationForecast
{
    /// <summary>Complete days of recent use the burn is taken over.</summary>
    public const int WindowDays = 7;

    /// <summary>The instants whose use gives the burn, for an allocation at <paramref name="now"/>: [start, end).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Window(Allocation allocation, DateTimeOffset now, BillingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        ArgumentNullException.ThrowIfNull(calendar);
        DateTimeOffset periodStart = calendar.StartUtc(allocation.From),
            periodEnd = calendar.StartUtc(allocation.To.AddDays(1));
        DateTimeOffset clamped =
            now < periodStart ? periodStart
            : now > periodEnd ? periodEnd
            : now;
        DateTimeOffset todayStart = clamped == periodEnd ? periodEnd : calendar.StartUtc(calendar.DayOf(clamped));
        if (todayStart <= periodStart)
        {
            return (periodStart, clamped);
        }

        DateOnly firstDay = calendar.DayOf(todayStart).AddDays(-WindowDays);
        DateTimeOffset start = calendar.StartUtc(firstDay < allocation.From ? allocation.From : firstDay);
        return (start, todayStart);
    }

    /// <summary>
    /// The standing of <paramref name="allocation"/> at <paramref name="now"/> from what it has used and what the window
    /// (<see cref="Window"/>) used.
    /// </summary>
    public static AllocationStanding Project(
        Allocation allocation,
        DateTimeOffset now,
        decimal used,
        decimal windowUsed,
        BillingCalendar calendar,
        DateOnly? exhaustedOn = null
    )
    {
        ArgumentNullException.ThrowIfNull(allocation);
        ArgumentNullException.ThrowIfNull(calendar);
        DateTimeOffset periodStart = calendar.StartUtc(allocation.From),
            periodEnd = calendar.StartUtc(allocation.To.AddDays(1));
        (DateTimeOffset start, DateTimeOffset end) = Window(allocation, now, calendar);
        decimal burn = end > start ? windowUsed / Days(end - start) : 0m;
        DateTimeOffset from = now < periodStart ? periodStart : now;
        decimal forecast = Round(now >= periodEnd ? used : used + (burn * Days(periodEnd - from)), allocation);
        DateOnly? runsOut = null;
        string status = AllocationStatus.Ok;
        if (used >= allocation.Amount)
        {
            status = AllocationStatus.Exhausted;
            runsOut = exhaustedOn;
        }
        else if (forecast >= allocation.Amount)
        {
            status = AllocationStatus.AtRisk;
            runsOut = calendar.DayOf(burn > 0 ? from.AddHours((double)((allocation.Amount - used) / burn * 24m)) : from);
        }

        return new AllocationStanding(allocation, now, used, Round(burn, allocation), forecast, runsOut, status);
    }

    /// <summary>GPU-hours to four decimals, as billing reports them; money to the cent.</summary>
    public static decimal Round(decimal value, Allocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        return Math.Round(value, allocation.IsGpuHours ? 4 : 2, MidpointRounding.AwayFromZero);
    }

    private static decimal Days(TimeSpan span) => (decimal)span.TotalHours / 24m;
}
