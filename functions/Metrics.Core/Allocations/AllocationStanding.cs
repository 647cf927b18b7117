namespace Metrics.Core.Allocations;

/// <summary>
/// An allocation as it stands at <see cref="AsOf"/>: what its period has used so far, in its unit, and where the recent
/// daily burn takes it by the period's end (<see cref="AllocationForecast"/>).
/// </summary>
/// <param name="Used">Billed GPU-hours, or priced charges in the allocation's currency, within the period so far.</param>
/// <param name="BurnPerDay">The recent daily burn the forecast projects (per local day, in the allocation's unit).</param>
/// <param name="Forecast">Used plus the burn over what is left of the period; equal to used once the period is over.</param>
/// <param name="RunsOutOn">
/// The local day the amount is reached at that burn, when it is reached within the period; for an exhausted allocation,
/// the day its use was first seen at 100 % when that is known.
/// </param>
public sealed record AllocationStanding(
    Allocation Allocation,
    DateTimeOffset AsOf,
    decimal Used,
    decimal BurnPerDay,
    decimal Forecast,
    DateOnly? RunsOutOn,
    string Status
)
{
    /// <summary>Used as a percentage of the amount, to one decimal place.</summary>
    public decimal UsedPct => Pct(Used);

    /// <summary>The forecast as a percentage of the amount, to one decimal place.</summary>
    public decimal ForecastPct => Pct(Forecast);

    private decimal Pct(decimal value) => Math.Round(value * 100m / Allocation.Amount, 1, MidpointRounding.AwayFromZero);
}
