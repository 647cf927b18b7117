namespace Metrics.Core.Tests.Ledger;

/// <summary>The figures the statement pages print, each from lines whose sums are worked out by hand.</summary>
public sealed class StatementFiguresTests
{
    private static readonly BillingMonth s_march = new(2027, 3);

    private static UsageLine Usage(
        string institution,
        string model,
        decimal gpuSeconds,
        decimal? amount,
        string currency = "CNY",
        decimal active = 0m,
        decimal observed = 0m,
        string? account = null
    ) =>
        new(
            new MonthlyUsage(s_march, institution, model, account ?? string.Empty, 1, new UsageSeconds(gpuSeconds, 0m, active, observed)),
            26.00m,
            null,
            amount,
            currency
        )
        {
            Account = account,
        };

    private static UsageLine Line(UsageLineType type, string institution, decimal amount, string currency = "CNY") =>
        new(
            new MonthlyUsage(
                s_march,
                institution,
                type == UsageLineType.Credit ? string.Empty : "H100-SXM5-80GB",
                "",
                0,
                new UsageSeconds(0m, 0m, 0m, 0m)
            ),
            null,
            null,
            amount,
            currency
        )
        {
            Type = type,
        };

    [Fact]
    public void Totals_PerCurrency_UsageAdjustmentsCreditsAndDue_UnpricedLinesLeftOut()
    {
        UsageLine[] lines =
        [
            Usage("inst-a", "H100-SXM5-80GB", 7200m, 52.00m),
            Usage("inst-b", "B200-180GB", 3600m, null),
            Usage("inst-c", "H100-SXM5-80GB", 3600m, 3.60m, currency: "EUR"),
            Line(UsageLineType.Adjustment, "inst-a", -4.50m),
            Line(UsageLineType.Credit, "inst-a", -20.00m),
        ];

        IReadOnlyList<StatementFigures.CurrencyTotals> totals = StatementFigures.Totals(lines);

        Assert.Equal(["CNY", "EUR"], totals.Select(t => t.Currency));
        Assert.Equal((52.00m, -4.50m, -20.00m, 27.50m), (totals[0].Usage, totals[0].Adjustments, totals[0].Credits, totals[0].Due));
        Assert.Equal((3.60m, 0m, 0m, 3.60m), (totals[1].Usage, totals[1].Adjustments, totals[1].Credits, totals[1].Due));
    }

    [Fact]
    public void GpuHours_AreTheCsvsRoundedHours_Summed()
    {
        // Three lines of 1 s each print 0.0003 h, so the page says 0.0009 h, as a reader adding up the CSV would (3 s
        // rounded once would be 0.0008 h); the adjustment is not usage.
        UsageLine[] lines =
        [
            Usage("inst-a", "H100-SXM5-80GB", 1m, 0m),
            Usage("inst-b", "H100-SXM5-80GB", 1m, 0m),
            Usage("inst-c", "H100-SXM5-80GB", 1m, 0m),
            Line(UsageLineType.Adjustment, "inst-a", 1m),
        ];

        Assert.Equal(0.0009m, StatementFigures.GpuHours(lines));
    }

    [Fact]
    public void ByModel_SumsBilledObservedAndActiveHours_AndTheirRatio()
    {
        UsageLine[] lines =
        [
            Usage("inst-a", "H100-SXM5-80GB", 7200m, 52.00m, active: 1800m, observed: 7200m),
            Usage("inst-b", "H100-SXM5-80GB", 3600m, 26.00m, active: 3600m, observed: 3600m),
            Usage("inst-b", "A100-80GB", 3600m, 10.00m),
        ];

        IReadOnlyList<StatementFigures.ModelUse> models = StatementFigures.ByModel(lines);

        Assert.Equal(["A100-80GB", "H100-SXM5-80GB"], models.Select(m => m.GpuModel));
        Assert.Null(models[0].UtilPct);
        Assert.Equal(
            (3.0000m, 3.0000m, 1.5000m, 50.00m),
            (models[1].GpuHours, models[1].ObservedGpuHours, models[1].ActiveGpuHours, models[1].UtilPct)
        );
    }

    [Fact]
    public void Top_RanksByChargedAmountInTheMainCurrency_TiesByName_CreditsNotCounted()
    {
        UsageLine[] lines =
        [
            Usage("inst-c", "H100-SXM5-80GB", 3600m, 26.00m),
            Usage("inst-b", "H100-SXM5-80GB", 3600m, 26.00m),
            Usage("inst-a", "H100-SXM5-80GB", 3600m, 20.00m),
            Line(UsageLineType.Adjustment, "inst-a", 10.00m),
            Line(UsageLineType.Credit, "inst-a", -30.00m),
            Usage("inst-z", "H100-SXM5-80GB", 3600m, 50.00m, currency: "EUR"),
        ];

        IReadOnlyList<StatementFigures.Ranked> top = StatementFigures.Top(lines, l => l.Usage.Institution, count: 2);

        // CNY charged 82.00 beats EUR's 50.00; inst-a 30.00 (usage + adjustment), then inst-b before inst-c on the tie.
        Assert.Equal(
            [("inst-a", "CNY", 30.00m, 1.0000m), ("inst-b", "CNY", 26.00m, 1.0000m)],
            top.Select(r => (r.Name, r.Currency, r.Amount, r.GpuHours))
        );
        Assert.Empty(StatementFigures.Top([Usage("inst-a", "B200-180GB", 3600m, null)], l => l.Usage.Institution, 20));
    }

    [Fact]
    public void Utilisation_CountsInstitutionsPerTenPointBand_FullUseInTheLast_NothingObservedApart()
    {
        UsageLine[] lines =
        [
            Usage("inst-full", "H100-SXM5-80GB", 3600m, 26m, active: 3600m, observed: 3600m),
            Usage("inst-half", "H100-SXM5-80GB", 3600m, 26m, active: 1800m, observed: 3600m),
            // Two lines of one institution: 999 of 10,000 s active is 9.99 %, band 0.
            Usage("inst-low", "H100-SXM5-80GB", 3600m, 26m, active: 999m, observed: 5000m),
            Usage("inst-low", "A100-80GB", 3600m, 10m, active: 0m, observed: 5000m),
            Usage("inst-blind", "H100-SXM5-80GB", 3600m, 26m),
            Line(UsageLineType.Adjustment, "inst-adjusted-only", 5m),
        ];

        StatementFigures.UtilisationBands bands = StatementFigures.Utilisation(lines);

        Assert.Equal([1, 0, 0, 0, 0, 1, 0, 0, 0, 1], bands.Counts);
        Assert.Equal(1, bands.NotObserved);
        Assert.Equal(("0-10 %", "90-100 %"), (StatementFigures.UtilisationBands.Label(0), StatementFigures.UtilisationBands.Label(9)));
    }

    [Fact]
    public void Daily_SumsSecondsPerDayAndModel_ThenRounds_AndIgnoresDaysOutsideTheMonth()
    {
        DailyUsage[] days =
        [
            new(new DateOnly(2027, 3, 1), "inst-a", "H100-SXM5-80GB", "", new UsageSeconds(1m, 0m, 0m, 0m)),
            new(new DateOnly(2027, 3, 1), "inst-b", "H100-SXM5-80GB", "", new UsageSeconds(1m, 0m, 0m, 0m)),
            new(new DateOnly(2027, 3, 1), "inst-c", "H100-SXM5-80GB", "", new UsageSeconds(1m, 0m, 0m, 0m)),
            new(new DateOnly(2027, 3, 31), "inst-a", "A100-80GB", "", new UsageSeconds(5400m, 0m, 0m, 0m)),
            new(new DateOnly(2027, 4, 1), "inst-a", "A100-80GB", "", new UsageSeconds(3600m, 0m, 0m, 0m)),
        ];

        StatementFigures.DailyByModel daily = StatementFigures.Daily(s_march, days);

        Assert.Equal(31, daily.Days.Count);
        Assert.Equal(["A100-80GB", "H100-SXM5-80GB"], daily.Models);
        // A day's bar is the day's seconds rounded once: 3 s is 0.0008 h.
        Assert.Equal(0.0008m, daily.GpuHours[0, 1]);
        Assert.Equal(1.5000m, daily.GpuHours[30, 0]);
        Assert.Equal(1.5000m, Enumerable.Range(0, 31).Sum(d => daily.GpuHours[d, 0]));
    }
}
