namespace Metrics.Statements;

/// <summary>
/// An institution's monthly statement as one HTML page: the header, the totals, the lines exactly as finance's CSV has
/// them, then the charts (usage per day by GPU model, utilisation per model, projects by amount, voucher balances, and
/// on an open month's page the allocations' burn-downs), each with its figures in a table beneath.
/// </summary>
public static class InstitutionStatementPage
{
    /// <summary>The projects shown by name; the rest are summed as one row.</summary>
    public const int TopAccounts = 10;

    public static string Render(InstitutionStatement statement, BillingCalendar calendar) => Render(statement, calendar, []);

    /// <summary>The page, with a burn-down chart for each of <paramref name="allocations"/>.</summary>
    public static string Render(InstitutionStatement statement, BillingCalendar calendar, IReadOnlyList<AllocationBurnDown> allocations)
    {
        ArgumentNullException.ThrowIfNull(allocations);
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(calendar);
        UsageReport report = statement.Report;
        var page = new HtmlPage($"GPU usage statement {statement.Institution} {statement.Month}");
        page.Header("GPU usage statement", statement.Institution, report, calendar, statement.GeneratedAt)
            .Totals(StatementFigures.Totals(report.Lines), StatementFigures.GpuHours(report.Lines))
            .Warnings(Warnings(statement));
        Lines(page, report);
        Daily(page, statement);
        Utilisation(page, report);
        Accounts(page, statement.ByAccount);
        Vouchers(page, statement);
        AllocationSections.BurnDowns(page, allocations, calendar);
        page.Raw(
            "<footer><p>GPU-hours are allocated GPU time (a job's GPUs for as long as it ran), to 4 decimals; observed and active "
                + "GPU-hours come from the GPUs' own telemetry (active = observed x utilisation). Amounts are GPU-hours x the GPU rate "
                + "plus CPU core-hours x the CPU rate, rounded half away from zero to the cent. Credits are vouchers paying towards the "
                + "month (docs/billing.md, \"Vouchers\").</p></footer>"
        );
        return page.Finish();
    }

    private static List<string> Warnings(InstitutionStatement statement)
    {
        var warnings = new List<string>(statement.Report.Warnings);
        if (statement.DaysSource == DailySource.CurrentAfterClose)
        {
            warnings.Add(HtmlPage.DailyNote(DailySource.CurrentAfterClose));
        }

        return warnings;
    }

    /// <summary>Every line of the CSV for this institution and month, cell for cell.</summary>
    internal static void Lines(HtmlPage page, UsageReport report)
    {
        page.Raw(
            "<section id=\"lines\"><h2>Lines</h2><table class=\"lines\"><thead><tr><th>Line</th><th>GPU "
                + "model</th><th>Adjusts</th><th>Jobs</th><th>GPU-hours</th><th>Active GPU-h</th><th>Observed GPU-h</th><th>Avg util "
                + "%</th><th>CPU core-h</th><th>GPU rate</th><th>Amount</th><th>Currency</th><th>Voucher</th></tr></thead><tbody>"
        );
        foreach (UsageLine line in report.Lines)
        {
            MonthlyUsage u = line.Usage;
            page.Raw($"<tr class=\"{line.TypeName}\" data-line-type=\"{line.TypeName}\" data-institution=\"{HtmlPage.E(u.Institution)}\">")
                .Cell("line_type", line.TypeName)
                .Cell("gpu_model", u.GpuModel)
                .Cell("adjusts_month", line.AdjustsMonth?.ToString() ?? string.Empty)
                .Figure("jobs", u.Jobs.ToString(CultureInfo.InvariantCulture))
                .Figure("gpu_hours", HtmlPage.Hours(u.Seconds.Gpu))
                .Figure("active_gpu_hours", HtmlPage.Hours(u.Seconds.ActiveGpu))
                .Figure("observed_gpu_hours", HtmlPage.Hours(u.Seconds.ObservedGpu))
                .Figure("avg_gpu_util_pct", line.AvgGpuUtilPct?.ToString("F2", CultureInfo.InvariantCulture) ?? string.Empty)
                .Figure("cpu_core_hours", HtmlPage.Hours(u.Seconds.CpuCore))
                .Figure("gpu_rate", line.GpuRate?.ToString(CultureInfo.InvariantCulture) ?? string.Empty)
                .Figure("amount", line.Amount is { } amount ? HtmlPage.Money(amount) : "unpriced")
                .Cell("currency", line.Currency)
                .Cell("voucher", line.VoucherId ?? string.Empty)
                .Raw("</tr>");
        }

        page.Raw("</tbody></table></section>\n");
    }

    private static void Daily(HtmlPage page, InstitutionStatement statement)
    {
        StatementFigures.DailyByModel daily = StatementFigures.Daily(statement.Month, statement.Days);
        page.Raw("<section id=\"daily\"><h2>GPU-hours per day</h2>");
        DailySection(page, daily, statement.DaysSource);
        page.Raw("</section>\n");
    }

    /// <summary>The stacked daily chart and its table (days with usage only); shared with the centre's overview.</summary>
    internal static void DailySection(HtmlPage page, StatementFigures.DailyByModel daily, DailySource source)
    {
        if (daily.Models.Count == 0)
        {
            page.Element("p", "No GPU usage this month.");
            return;
        }

        page.Chart(
            StatementCharts.DailyByModel(daily),
            "GPU-hours per day of the month, stacked by GPU model. " + HtmlPage.DailyNote(source)
        );
        page.Raw("<table class=\"daily\"><thead><tr><th>Day</th>");
        foreach (string model in daily.Models)
        {
            page.Element("th", model);
        }

        page.Raw("<th>All models</th></tr></thead><tbody>");
        for (int d = 0; d < daily.Days.Count; d++)
        {
            decimal total = 0;
            for (int m = 0; m < daily.Models.Count; m++)
            {
                total += daily.GpuHours[d, m];
            }

            if (total == 0)
            {
                continue;
            }

            page.Raw("<tr>").Cell("day", daily.Days[d].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            for (int m = 0; m < daily.Models.Count; m++)
            {
                page.Figure("gpu_hours", HtmlPage.HoursFigure(daily.GpuHours[d, m]));
            }

            page.Figure("day_total", HtmlPage.HoursFigure(total)).Raw("</tr>");
        }

        page.Raw("</tbody></table>");
    }

    internal static void Utilisation(HtmlPage page, UsageReport report)
    {
        IReadOnlyList<StatementFigures.ModelUse> models = StatementFigures.ByModel(report.Lines);
        page.Raw("<section id=\"utilisation\"><h2>Utilisation per GPU model</h2>");
        if (models.Count == 0)
        {
            page.Element("p", "No GPU usage this month.").Raw("</section>\n");
            return;
        }

        page.Chart(
            StatementCharts.Utilisation(models),
            "GPU-hours billed (allocated to jobs), observed by GPU telemetry, and active (observed x utilisation), per GPU model."
        );
        page.Raw(
            "<table><thead><tr><th>GPU model</th><th>GPU-hours</th><th>Observed GPU-h</th><th>Active GPU-h</th><th>Active / observed "
                + "%</th></tr></thead><tbody>"
        );
        foreach (StatementFigures.ModelUse m in models)
        {
            page.Raw("<tr>")
                .Cell("gpu_model", m.GpuModel)
                .Figure("gpu_hours", HtmlPage.HoursFigure(m.GpuHours))
                .Figure("observed_gpu_hours", HtmlPage.HoursFigure(m.ObservedGpuHours))
                .Figure("active_gpu_hours", HtmlPage.HoursFigure(m.ActiveGpuHours))
                .Figure("util_pct", m.UtilPct?.ToString("F2", CultureInfo.InvariantCulture) ?? string.Empty)
                .Raw("</tr>");
        }

        page.Raw("</tbody></table></section>\n");
    }

    private static void Accounts(HtmlPage page, UsageReport byAccount)
    {
        IReadOnlyList<StatementFigures.Ranked> all = StatementFigures.Top(
            byAccount.Lines.Where(l => l.Type == UsageLineType.Usage),
            l => l.Account ?? string.Empty,
            int.MaxValue
        );
        page.Raw("<section id=\"accounts\"><h2>Projects by amount</h2>");
        if (all.Count == 0)
        {
            page.Element("p", "No priced usage this month.").Raw("</section>\n");
            return;
        }

        StatementFigures.Ranked[] shown = all.Take(TopAccounts).ToArray();
        page.Chart(
            StatementCharts.Ranking(shown, "Projects by amount"),
            $"Projects (scheduler accounts) by amount, the largest first: {shown.Length} of {all.Count} charted, all of them in the "
                + $"table; \"(no project)\" is usage no job's account holds."
        );
        page.Raw(
            "<table class=\"accounts\"><thead><tr><th>Project</th><th>GPU-hours</th><th>Amount</th><th>Currency</th></tr></thead><tbody>"
        );
        foreach (StatementFigures.Ranked r in all)
        {
            page.Raw("<tr>")
                .Cell("account", r.Name.Length == 0 ? "(no project)" : r.Name)
                .Figure("gpu_hours", HtmlPage.HoursFigure(r.GpuHours))
                .Figure("amount", HtmlPage.Money(r.Amount))
                .Cell("currency", r.Currency)
                .Raw("</tr>");
        }

        page.Raw("</tbody></table></section>\n");
    }

    private static void Vouchers(HtmlPage page, InstitutionStatement statement)
    {
        if (statement.Vouchers.Count == 0)
        {
            return;
        }

        page.Raw("<section id=\"vouchers\"><h2>Vouchers</h2>");
        page.Chart(
            StatementCharts.VoucherBalances(statement.Vouchers),
            "What each voucher would have left after each day, had the month ended that day; the last day is what this month's credit "
                + "leaves."
        );
        page.Raw(
            "<table class=\"vouchers\"><thead><tr><th>Voucher</th><th>Valid</th><th>Share</th><th>Opening balance</th><th>Credit this "
                + "month</th><th>Closing balance</th><th>Currency</th></tr></thead><tbody>"
        );
        foreach (VoucherDrawdown v in statement.Vouchers)
        {
            decimal credit = statement.Report.Lines.Where(l => l.VoucherId == v.Voucher.Id).Sum(l => l.Amount ?? 0m);
            page.Raw($"<tr data-voucher=\"{HtmlPage.E(v.Voucher.Id)}\">")
                .Cell("voucher", v.Voucher.Id)
                .Cell("valid", $"{v.Voucher.ValidFrom:yyyy-MM-dd} to {v.Voucher.ValidTo:yyyy-MM-dd}")
                .Figure("share", v.Voucher.MaxShare.ToString(CultureInfo.InvariantCulture))
                .Figure("opening", HtmlPage.Money(v.Opening))
                .Figure("credit", HtmlPage.Money(credit))
                .Figure("closing", HtmlPage.Money(v.Opening + credit))
                .Cell("currency", v.Voucher.Currency)
                .Raw("</tr>");
        }

        page.Raw("</tbody></table></section>\n");
    }
}
