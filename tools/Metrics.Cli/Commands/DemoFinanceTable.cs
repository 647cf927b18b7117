using Spectre.Console;

namespace Metrics.Cli.Commands;

/// <summary>The demo's last word: finance's table of each month's top usage lines, every adjustment and credit, and the total.</summary>
internal static class DemoFinanceTable
{
    public static Table Create(params UsageReport[] reports)
    {
        var table = new Table()
            .Title("finance: top institutions by amount, and every adjustment and credit")
            .AddColumns("month", "line", "institution", "GPU model", "jobs", "GPU-hours", "avg util %", "amount", "currency");
        foreach (UsageReport report in reports)
        {
            IEnumerable<UsageLine> top = report
                .Lines.Where(l => l.Type == UsageLineType.Usage)
                .OrderByDescending(l => l.Amount ?? -1)
                .ThenBy(l => l.Usage.Key)
                .Take(8);
            foreach (UsageLine line in top.Concat(report.Lines.Where(l => l.Type != UsageLineType.Usage)))
            {
                table.AddRow(
                    report.Month.ToString() + (report.Closed ? " (closed)" : string.Empty),
                    line.TypeName + (line.AdjustsMonth is { } adjusts ? $" of {adjusts}" : string.Empty),
                    line.Usage.Institution,
                    line.Usage.GpuModel,
                    line.Usage.Jobs.ToString(CultureInfo.InvariantCulture),
                    UsageCsvWriter.Hours(line.Usage.Seconds.Gpu),
                    line.AvgGpuUtilPct?.ToString("F2", CultureInfo.InvariantCulture) ?? "-",
                    line.Amount?.ToString("N2", CultureInfo.InvariantCulture) ?? "unpriced",
                    line.Currency
                );
            }

            decimal total = report.Lines.Sum(l => l.Amount ?? 0);
            table.AddRow(
                report.Month.ToString(),
                "total",
                $"all {report.Lines.Select(l => l.Usage.Institution).Distinct().Count()} institutions",
                string.Empty,
                string.Empty,
                UsageCsvWriter.Hours(report.Lines.Sum(l => l.Usage.Seconds.Gpu)),
                string.Empty,
                total.ToString("N2", CultureInfo.InvariantCulture),
                RateCard.DefaultCurrency
            );
        }

        return table;
    }
}
