namespace Metrics.Core.Allocations;

/// <summary>
/// Standings and events as rows: the CSV columns of <c>metrics allocations list</c> and <c>events</c>, and the JSON
/// objects of the CLI and <c>GET /api/allocations</c> (the same fields, snake_case). GPU-hours print with four decimals
/// as billing reports them, money with two, percentages with one.
/// </summary>
public static class AllocationRows
{
    public const string StandingHeader =
        "id,institution,account,unit,amount,used,used_pct,forecast,forecast_pct,runs_out_on,status,from,to";

    public const string EventHeader = "allocation_id,institution,threshold_pct,basis,crossed_at,used,amount";

    public static string StandingCsv(AllocationStanding s) => string.Join(',', StandingCells(s));

    /// <summary>A standing's cells in <see cref="StandingHeader"/>'s order, as the CSV and the CLI's table print them.</summary>
    public static string[] StandingCells(AllocationStanding s)
    {
        ArgumentNullException.ThrowIfNull(s);
        Allocation a = s.Allocation;
        return
        [
            a.Id,
            a.Institution,
            a.Account ?? string.Empty,
            a.Unit,
            Figure(a.Amount, a),
            Figure(s.Used, a),
            Pct(s.UsedPct),
            Figure(s.Forecast, a),
            Pct(s.ForecastPct),
            Date(s.RunsOutOn),
            s.Status,
            Date(a.From),
            Date(a.To),
        ];
    }

    public static string EventCsv(AllocationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        bool hours = e.Unit == Allocation.GpuHours;
        return string.Join(
            ',',
            e.AllocationId,
            e.Institution,
            e.ThresholdPct.ToString(CultureInfo.InvariantCulture),
            e.Basis,
            Instant(e.CrossedAt),
            Figure(e.Used, hours),
            Figure(e.Amount, hours)
        );
    }

    /// <summary>A standing as a JSON object: the CSV's columns, numbers as numbers, absent values as null.</summary>
    public static object StandingBody(AllocationStanding s)
    {
        ArgumentNullException.ThrowIfNull(s);
        Allocation a = s.Allocation;
        return new Dictionary<string, object?>
        {
            ["id"] = a.Id,
            ["institution"] = a.Institution,
            ["account"] = a.Account,
            ["unit"] = a.Unit,
            ["amount"] = a.Amount,
            ["used"] = s.Used,
            ["used_pct"] = s.UsedPct,
            ["forecast"] = s.Forecast,
            ["forecast_pct"] = s.ForecastPct,
            ["burn_per_day"] = s.BurnPerDay,
            ["runs_out_on"] = s.RunsOutOn is { } day ? Date(day) : null,
            ["status"] = s.Status,
            ["from"] = Date(a.From),
            ["to"] = Date(a.To),
            ["as_of"] = Instant(s.AsOf),
        };
    }

    public static string Figure(decimal value, Allocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        return Figure(value, allocation.IsGpuHours);
    }

    public static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Figure(decimal value, bool hours) => value.ToString(hours ? "F4" : "F2", CultureInfo.InvariantCulture);

    private static string Pct(decimal value) => value.ToString("F1", CultureInfo.InvariantCulture);

    private static string Date(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;
}
