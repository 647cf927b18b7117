using Metrics.Core.Catalogue;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// The figures the statement pages derive from a month's lines, each summed from the lines exactly as finance's CSV
/// prints them (amounts to the cent, hours to 4 decimals), so that a reader adding up the CSV gets the page's figures.
/// </summary>
public static class StatementFigures
{
    /// <summary>A currency's totals: usage, adjustments and credits (negative), and what is due.</summary>
    public sealed record CurrencyTotals(string Currency, decimal Usage, decimal Adjustments, decimal Credits)
    {
        public decimal Due => Usage + Adjustments + Credits;
    }

    /// <summary>Per currency, over the priced lines; unpriced lines count for nothing (they are listed as warnings).</summary>
    public static IReadOnlyList<CurrencyTotals> Totals(IEnumerable<UsageLine> lines) =>
        lines
            .Where(l => l.Amount is not null)
            .GroupBy(l => l.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyTotals(
                g.Key,
                g.Where(l => l.Type == UsageLineType.Usage).Sum(l => l.Amount!.Value),
                g.Where(l => l.Type == UsageLineType.Adjustment).Sum(l => l.Amount!.Value),
                g.Where(l => l.Type == UsageLineType.Credit).Sum(l => l.Amount!.Value)
            ))
            .ToArray();

    /// <summary>GPU-hours as the CSV prints them, summed over usage lines.</summary>
    public static decimal GpuHours(IEnumerable<UsageLine> lines) =>
        lines.Where(l => l.Type == UsageLineType.Usage).Sum(l => UsageLine.ReportedHours(l.Usage.Seconds.Gpu));

    /// <summary>A GPU model's month: billed, observed and active GPU-hours as the CSV prints them, and their ratio.</summary>
    public sealed record ModelUse(string GpuModel, decimal GpuHours, decimal ObservedGpuHours, decimal ActiveGpuHours)
    {
        /// <summary>active / observed x 100, 2 decimals; null when nothing was observed.</summary>
        public decimal? UtilPct => UsageLine.UtilPct(ActiveGpuHours, ObservedGpuHours);
    }

    public static IReadOnlyList<ModelUse> ByModel(IEnumerable<UsageLine> lines) =>
        lines
            .Where(l => l.Type == UsageLineType.Usage)
            .GroupBy(l => l.Usage.GpuModel, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ModelUse(
                g.Key,
                g.Sum(l => UsageLine.ReportedHours(l.Usage.Seconds.Gpu)),
                g.Sum(l => UsageLine.ReportedHours(l.Usage.Seconds.ObservedGpu)),
                g.Sum(l => UsageLine.ReportedHours(l.Usage.Seconds.ActiveGpu))
            ))
            .ToArray();

    /// <summary>A name (institution or project) and its usage amount in one currency.</summary>
    public sealed record Ranked(string Name, string Currency, decimal Amount, decimal GpuHours);

    /// <summary>
    /// The top <paramref name="count"/> by usage and adjustment amount in the report's main currency (the one with the
    /// most charged), ties by name; <paramref name="nameOf"/> picks the institution or the project.
    /// </summary>
    public static IReadOnlyList<Ranked> Top(IEnumerable<UsageLine> lines, Func<UsageLine, string> nameOf, int count)
    {
        ArgumentNullException.ThrowIfNull(nameOf);
        UsageLine[] charged = lines.Where(l => l.Type != UsageLineType.Credit && l.Amount is not null).ToArray();
        if (charged.Length == 0)
        {
            return [];
        }

        string currency = charged
            .GroupBy(l => l.Currency, StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(l => l.Amount!.Value))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First()
            .Key;
        return charged
            .Where(l => l.Currency == currency)
            .GroupBy(nameOf, StringComparer.Ordinal)
            .Select(g => new Ranked(
                g.Key,
                currency,
                g.Sum(l => l.Amount!.Value),
                g.Where(l => l.Type == UsageLineType.Usage).Sum(l => UsageLine.ReportedHours(l.Usage.Seconds.Gpu))
            ))
            .OrderByDescending(r => r.Amount)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .Take(count)
            .ToArray();
    }

    /// <summary>
    /// How many institutions averaged each band of GPU utilisation (active / observed over all their usage lines):
    /// ten bands of 10 points, 100 % in the last; institutions with nothing observed are counted apart.
    /// </summary>
    public sealed record UtilisationBands(IReadOnlyList<int> Counts, int NotObserved)
    {
        public static string Label(int band) => band == 9 ? "90-100 %" : $"{band * 10}-{(band * 10) + 10} %";
    }

    public static UtilisationBands Utilisation(IEnumerable<UsageLine> lines)
    {
        int[] counts = new int[10];
        int notObserved = 0;
        foreach (
            var institution in lines.Where(l => l.Type == UsageLineType.Usage).GroupBy(l => l.Usage.Institution, StringComparer.Ordinal)
        )
        {
            decimal observed = institution.Sum(l => l.Usage.Seconds.ObservedGpu),
                active = institution.Sum(l => l.Usage.Seconds.ActiveGpu);
            if (observed == 0)
            {
                notObserved++;
                continue;
            }

            counts[Math.Clamp((int)Math.Floor(active / observed * 10m), 0, 9)]++;
        }

        return new UtilisationBands(counts, notObserved);
    }

    /// <summary>GPU-hours per day (rows) and GPU model (columns), from daily usage: the stacked chart's data.</summary>
    public sealed record DailyByModel(IReadOnlyList<DateOnly> Days, IReadOnlyList<string> Models, decimal[,] GpuHours);

    public static DailyByModel Daily(BillingMonth month, IEnumerable<DailyUsage> days)
    {
        DailyUsage[] rows = days.ToArray();
        string[] models = rows.Select(d => d.GpuModel).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var dates = new List<DateOnly>();
        for (DateOnly d = month.FirstDay; d <= month.LastDay; d = d.AddDays(1))
        {
            dates.Add(d);
        }

        decimal[,] seconds = new decimal[dates.Count, models.Length];
        foreach (DailyUsage row in rows)
        {
            int day = row.Day.DayNumber - month.FirstDay.DayNumber;
            if (day >= 0 && day < dates.Count)
            {
                seconds[day, Array.IndexOf(models, row.GpuModel)] += row.Seconds.Gpu;
            }
        }

        decimal[,] hours = new decimal[dates.Count, models.Length];
        for (int d = 0; d < dates.Count; d++)
        {
            for (int m = 0; m < models.Length; m++)
            {
                hours[d, m] = UsageLine.ReportedHours(seconds[d, m]);
            }
        }

        return new DailyByModel(dates, models, hours);
    }
}
