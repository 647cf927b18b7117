namespace Metrics.Core.Allocations;

/// <summary>
/// An allocation crossing a line: <see cref="ThresholdPct"/> % of its amount used (<see cref="Basis"/>
/// <c>actual</c>), or forecast (<c>forecast</c>). There is one per (allocation, basis, threshold) for ever, named by
/// <see cref="Id"/>, which a consumer of the queue deduplicates on.
/// </summary>
/// <param name="CrossedAt">When the rollup that saw the crossing measured it (UTC).</param>
/// <param name="Used">Used when it was seen, in <see cref="Unit"/>.</param>
/// <param name="Forecast">The forecast when it was seen, in <see cref="Unit"/>.</param>
/// <param name="SentAt">When it was put on the queue; null until then.</param>
public sealed record AllocationEvent(
    string AllocationId,
    string Institution,
    string? Account,
    string Unit,
    int ThresholdPct,
    string Basis,
    DateTimeOffset CrossedAt,
    decimal Used,
    decimal Forecast,
    decimal Amount,
    DateTimeOffset? SentAt = null
)
{
    /// <summary>Crossed by what has been used.</summary>
    public const string Actual = "actual";

    /// <summary>Crossed by the forecast to the period's end.</summary>
    public const string Forecasted = "forecast";

    /// <summary>The lines, in order: 50, 80 and 100 % of actual use, and 100 % of the forecast.</summary>
    public static IReadOnlyList<(string Basis, int Pct)> Thresholds { get; } =
    [(Actual, 50), (Actual, 80), (Actual, 100), (Forecasted, 100)];

    /// <summary><c>allocation:basis:pct</c>: unique for ever, the key it is stored and deduplicated under.</summary>
    public string Id => IdOf(AllocationId, Basis, ThresholdPct);

    public static string IdOf(string allocationId, string basis, int pct) =>
        string.Create(CultureInfo.InvariantCulture, $"{allocationId}:{basis}:{pct:D3}");

    /// <summary>The thresholds a standing is over now, in <see cref="Thresholds"/> order.</summary>
    public static IEnumerable<AllocationEvent> Crossed(AllocationStanding standing)
    {
        ArgumentNullException.ThrowIfNull(standing);
        Allocation a = standing.Allocation;
        foreach ((string basis, int pct) in Thresholds)
        {
            decimal value = basis == Actual ? standing.Used : standing.Forecast;
            if (value * 100m >= a.Amount * pct)
            {
                yield return new AllocationEvent(
                    a.Id,
                    a.Institution,
                    a.Account,
                    a.Unit,
                    pct,
                    basis,
                    standing.AsOf,
                    standing.Used,
                    standing.Forecast,
                    a.Amount
                );
            }
        }
    }
}
