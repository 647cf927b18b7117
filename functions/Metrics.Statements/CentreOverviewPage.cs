using Metrics.Contract;

namespace Metrics.Statements;

/// <summary>
/// The centre's month for finance as one HTML page: totals, warnings (unpriced models, dead letters), GPU-hours per
/// day by model, the top institutions by amount, how many institutions used their GPUs how well, and the allocations at
/// risk and exhausted.
/// </summary>
public static class CentreOverviewPage
{
    public const int TopInstitutions = 20;

    public static string Render(CentreOverview overview, BillingCalendar calendar) => Render(overview, calendar, []);

    /// <summary>The page, with the allocations of <paramref name="allocations"/> at risk and exhausted.</summary>
    public static string Render(CentreOverview overview, BillingCalendar calendar, IReadOnlyList<AllocationStanding> allocations)
    {
        ArgumentNullException.ThrowIfNull(allocations);
        ArgumentNullException.ThrowIfNull(overview);
        ArgumentNullException.ThrowIfNull(calendar);
        UsageReport report = overview.Report;
        int institutions = report.Lines.Select(l => l.Usage.Institution).Distinct(StringComparer.Ordinal).Count();
        var page = new HtmlPage($"GPU usage overview {overview.Month}");
        page.Header("GPU usage overview: the centre", institution: null, report, calendar, overview.GeneratedAt)
            .Totals(StatementFigures.Totals(report.Lines), StatementFigures.GpuHours(report.Lines))
            .Raw(
                $"<p>Institutions with lines this month: <strong "
                    + $"data-total=\"institutions\">{institutions.ToString(CultureInfo.InvariantCulture)}</strong></p>"
            )
            .Warnings(Warnings(overview));

        page.Raw("<section id=\"daily\"><h2>GPU-hours per day, by GPU model</h2>");
        InstitutionStatementPage.DailySection(page, StatementFigures.Daily(overview.Month, overview.Days), overview.DaysSource);
        page.Raw("</section>\n");

        TopSection(page, report);
        BandsSection(page, report);
        InstitutionStatementPage.Utilisation(page, report);
        AllocationSections.AtRisk(page, allocations);
        page.Raw(
            "<footer><p>Every institution's lines are in finance's CSV for the month (GET /api/usage/{month}); this page sums them as the "
                + "CSV prints them. Dead letters are counted by the UTC date they were enqueued.</p></footer>"
        );
        return page.Finish();
    }

    private static List<string> Warnings(CentreOverview overview)
    {
        var warnings = new List<string>(overview.Report.Warnings);
        string[] unpriced = overview
            .Report.Lines.Where(l => !l.Priced && l.Type == UsageLineType.Usage)
            .Select(l => l.Usage.GpuModel)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (unpriced.Length > 0)
        {
            warnings.Add($"unpriced GPU models this month: {string.Join(", ", unpriced)} (their lines are not in the totals)");
        }

        foreach ((TelemetryStream stream, long count) in overview.DeadLetters.OrderBy(d => d.Key))
        {
            if (count > 0)
            {
                warnings.Add(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{count} {stream.Name()} event(s) dead-lettered between {overview.DeadLettersFrom:yyyy-MM-dd} and "
                            + $"{overview.DeadLettersTo:yyyy-MM-dd} (UTC): not billed until corrected and ingested again (metrics "
                            + $"deadletters)"
                    )
                );
            }
        }

        if (overview.DaysSource == DailySource.CurrentAfterClose)
        {
            warnings.Add(HtmlPage.DailyNote(DailySource.CurrentAfterClose));
        }

        return warnings;
    }

    private static void TopSection(HtmlPage page, UsageReport report)
    {
        IReadOnlyList<StatementFigures.Ranked> top = StatementFigures.Top(report.Lines, l => l.Usage.Institution, TopInstitutions);
        page.Raw("<section id=\"top\"><h2>Top institutions by amount</h2>");
        if (top.Count == 0)
        {
            page.Element("p", "No priced usage this month.").Raw("</section>\n");
            return;
        }

        page.Chart(
            StatementCharts.Ranking(top, "Top institutions by amount"),
            $"Institutions by usage and adjustment amount before voucher credits, the largest first: {top.Count} shown, at most "
                + $"{TopInstitutions}."
        );
        page.Raw(
            "<table class=\"top\"><thead><tr><th>#</th><th>Institution</th><th>GPU-hours</th><th>Amount</th><th>Currency</th></tr>"
                + "</thead><tbody>"
        );
        for (int i = 0; i < top.Count; i++)
        {
            page.Raw($"<tr data-institution=\"{HtmlPage.E(top[i].Name)}\">")
                .Figure("rank", (i + 1).ToString(CultureInfo.InvariantCulture))
                .Cell("institution", top[i].Name)
                .Figure("gpu_hours", HtmlPage.HoursFigure(top[i].GpuHours))
                .Figure("amount", HtmlPage.Money(top[i].Amount))
                .Cell("currency", top[i].Currency)
                .Raw("</tr>");
        }

        page.Raw("</tbody></table></section>\n");
    }

    private static void BandsSection(HtmlPage page, UsageReport report)
    {
        StatementFigures.UtilisationBands bands = StatementFigures.Utilisation(report.Lines);
        page.Raw("<section id=\"bands\"><h2>Institutions by average GPU utilisation</h2>");
        page.Chart(
            StatementCharts.UtilisationBands(bands),
            "How many institutions' GPUs were active for each share of the time telemetry observed them, over the month."
        );
        page.Raw("<table class=\"bands\"><thead><tr><th>Average utilisation</th><th>Institutions</th></tr></thead><tbody>");
        for (int b = 0; b < bands.Counts.Count; b++)
        {
            page.Raw("<tr>")
                .Cell("band", StatementFigures.UtilisationBands.Label(b))
                .Figure("institutions", bands.Counts[b].ToString(CultureInfo.InvariantCulture))
                .Raw("</tr>");
        }

        page.Raw("<tr>")
            .Cell("band", "nothing observed")
            .Figure("institutions", bands.NotObserved.ToString(CultureInfo.InvariantCulture))
            .Raw("</tr>");
        page.Raw("</tbody></table></section>\n");
    }
}
