namespace Metrics.Statements;

/// <summary>
/// The allocations on the pages: an institution's statement charts each allocation whose period meets the month as a
/// burn-down; the centre's overview lists the allocations at risk and exhausted. Figures as <c>metrics allocations
/// list</c> prints them, as they stand when the page is drawn.
/// </summary>
internal static class AllocationSections
{
    public static void BurnDowns(HtmlPage page, IReadOnlyList<AllocationBurnDown> burnDowns, BillingCalendar calendar)
    {
        if (burnDowns.Count == 0)
        {
            return;
        }

        page.Raw("<section id=\"allocations\"><h2>Allocations</h2>");
        foreach (AllocationBurnDown b in burnDowns)
        {
            page.Chart(
                StatementCharts.BurnDown(b, calendar),
                $"Allocation {b.Standing.Allocation.Id}: used by the end of each day of its period so far, the allocation, and the "
                    + $"forecast at the last {AllocationForecast.WindowDays} days' burn (as of {AllocationRows.Instant(b.Standing.AsOf)})."
            );
        }

        Table(page, burnDowns.Select(b => b.Standing));
        page.Raw("</section>\n");
    }

    public static void AtRisk(HtmlPage page, IReadOnlyList<AllocationStanding> standings)
    {
        AllocationStanding[] flagged = standings
            .Where(s => s.Status != AllocationStatus.Ok)
            .OrderBy(s => s.Status == AllocationStatus.Exhausted ? 0 : 1)
            .ThenByDescending(s => s.ForecastPct)
            .ToArray();
        page.Raw("<section id=\"allocations\"><h2>Allocations at risk and exhausted</h2>");
        page.Raw(
            $"<p><strong data-total=\"allocations-exhausted\">{Count(standings, AllocationStatus.Exhausted)}</strong> exhausted, "
                + $"<strong data-total=\"allocations-at-risk\">{Count(standings, AllocationStatus.AtRisk)}</strong> at risk, of "
                + $"{standings.Count.ToString(CultureInfo.InvariantCulture)} allocations.</p>"
        );
        if (flagged.Length > 0)
        {
            Table(page, flagged);
        }

        page.Raw("</section>\n");
    }

    private static string Count(IReadOnlyList<AllocationStanding> standings, string status) =>
        standings.Count(s => s.Status == status).ToString(CultureInfo.InvariantCulture);

    private static void Table(HtmlPage page, IEnumerable<AllocationStanding> standings)
    {
        page.Raw(
            "<table class=\"allocations\"><thead><tr><th>Allocation</th><th>Institution</th><th>Project</th><th>Period</th><th>Unit</th>"
                + "<th>Amount</th><th>Used</th><th>Used %</th><th>Forecast</th><th>Forecast %</th><th>Runs out</th><th>Status</th></tr>"
                + "</thead><tbody>"
        );
        foreach (AllocationStanding s in standings)
        {
            Allocation a = s.Allocation;
            page.Raw($"<tr data-allocation=\"{HtmlPage.E(a.Id)}\" data-status=\"{s.Status}\">")
                .Cell("id", a.Id)
                .Cell("institution", a.Institution)
                .Cell("account", a.Account ?? string.Empty)
                .Cell("period", $"{a.From:yyyy-MM-dd} to {a.To:yyyy-MM-dd}")
                .Cell("unit", a.Unit)
                .Figure("amount", AllocationRows.Figure(a.Amount, a))
                .Figure("used", AllocationRows.Figure(s.Used, a))
                .Figure("used_pct", s.UsedPct.ToString("F1", CultureInfo.InvariantCulture))
                .Figure("forecast", AllocationRows.Figure(s.Forecast, a))
                .Figure("forecast_pct", s.ForecastPct.ToString("F1", CultureInfo.InvariantCulture))
                .Cell("runs_out_on", s.RunsOutOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty)
                .Cell("status", s.Status)
                .Raw("</tr>");
        }

        page.Raw("</tbody></table>");
    }
}
