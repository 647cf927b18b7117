using Metrics.Core.Allocations;

namespace Metrics.Core.Tests.Allocations;

/// <summary>The forecast on synthetic histories whose answers are worked out by hand (AllocationForecast's method).</summary>
public sealed class AllocationForecastTests
{
    private static readonly DateOnly s_nov1 = new(2026, 11, 1);

    [Fact]
    public async Task SteadyBurn_ProjectsTheRateToThePeriodsEnd_AndTheDayItRunsOut()
    {
        // 24 GPU-h a day from 1 November; the grant is 1,000 h for 1 Nov - 30 Dec (60 days); it is 21 Nov, 00:00 local.
        var history = new SyntheticHistory().Burn(s_nov1, new DateOnly(2026, 11, 20), 24m).At(new DateOnly(2026, 11, 21));

        AllocationStanding s = await history.StandingAsync(SyntheticHistory.Hours("g", 1000m, s_nov1, new DateOnly(2026, 12, 30)));

        // Used: 20 days x 24 = 480. Burn: the 7 days 14-20 Nov, 168 h / 7 = 24 a day. 40 days left: 480 + 960 = 1,440.
        // It runs out (1,000 - 480) / 24 = 21.67 days after 21 Nov 00:00: on 12 December (16:00).
        Assert.Equal(480m, s.Used);
        Assert.Equal(24m, s.BurnPerDay);
        Assert.Equal(1440m, s.Forecast);
        Assert.Equal(48.0m, s.UsedPct);
        Assert.Equal(144.0m, s.ForecastPct);
        Assert.Equal(new DateOnly(2026, 12, 12), s.RunsOutOn);
        Assert.Equal(AllocationStatus.AtRisk, s.Status);
    }

    [Fact]
    public async Task BurnThatSpedUp_IsProjectedAtItsRecentPace_NotItsAverage()
    {
        // 10 h a day 1-13 Nov, then 40 h a day 14-20 Nov: the average (410 / 20 = 20.5) would say 1,230 by the end.
        var history = new SyntheticHistory()
            .Burn(s_nov1, new DateOnly(2026, 11, 13), 10m)
            .Burn(new DateOnly(2026, 11, 14), new DateOnly(2026, 11, 20), 40m)
            .At(new DateOnly(2026, 11, 21));

        AllocationStanding s = await history.StandingAsync(SyntheticHistory.Hours("g", 2500m, s_nov1, new DateOnly(2026, 12, 30)));

        // 130 + 280 = 410 used; the week's 40 a day for 40 days: 410 + 1,600 = 2,010 of 2,500.
        Assert.Equal(410m, s.Used);
        Assert.Equal(40m, s.BurnPerDay);
        Assert.Equal(2010m, s.Forecast);
        Assert.Null(s.RunsOutOn);
        Assert.Equal(AllocationStatus.Ok, s.Status);
    }

    [Fact]
    public async Task PeriodThatBeganToday_BurnsAtTodaysPaceSoFar()
    {
        // The grant starts 21 Nov; it is 06:00 local and 12 h of today's usage is in: 48 h a day.
        var history = new SyntheticHistory()
            .Burn(new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 21), 12m)
            .At(new DateOnly(2026, 11, 21), 6);

        AllocationStanding s = await history.StandingAsync(
            SyntheticHistory.Hours("g", 1000m, new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 30))
        );

        // 9.75 days left (to 1 Dec 00:00): 12 + 48 x 9.75 = 480.
        Assert.Equal(12m, s.Used);
        Assert.Equal(48m, s.BurnPerDay);
        Assert.Equal(480m, s.Forecast);
        Assert.Equal(AllocationStatus.Ok, s.Status);
    }

    [Fact]
    public async Task UsedUp_IsExhausted_AndAPeriodThatIsOverForecastsWhatItUsed()
    {
        var history = new SyntheticHistory().Burn(s_nov1, new DateOnly(2026, 11, 30), 10m).At(new DateOnly(2026, 12, 5));

        AllocationStanding over = await history.StandingAsync(SyntheticHistory.Hours("over", 250m, s_nov1, new DateOnly(2026, 11, 30)));
        AllocationStanding within = await history.StandingAsync(SyntheticHistory.Hours("within", 400m, s_nov1, new DateOnly(2026, 11, 30)));

        Assert.Equal(300m, over.Used);
        Assert.Equal(AllocationStatus.Exhausted, over.Status);
        Assert.Equal(new DateOnly(2026, 12, 5), over.RunsOutOn);
        Assert.Equal(300m, within.Forecast);
        Assert.Equal(AllocationStatus.Ok, within.Status);
    }

    [Fact]
    public async Task PeriodsThatCutMonths_CountTheirOwnDays_AndAnAccountOnlyItsOwn()
    {
        var history = new SyntheticHistory().Burn(s_nov1, new DateOnly(2026, 12, 10), 10m).At(new DateOnly(2026, 12, 11));
        history.Usage.Days[new DateOnly(2026, 11, 20)] =
        [
            .. history.Usage.Days[new DateOnly(2026, 11, 20)],
            new DailyUsage(
                new DateOnly(2026, 11, 20),
                SyntheticHistory.Institution,
                SyntheticHistory.Model,
                "other",
                new UsageSeconds(36000m, 0, 0, 0)
            ),
        ];

        // 15 Nov - 5 Dec: 16 days of November (and the other account's 10 h on 20 Nov) and 5 of December.
        AllocationStanding institution = await history.StandingAsync(
            SyntheticHistory.Hours("inst", 1000m, new DateOnly(2026, 11, 15), new DateOnly(2026, 12, 5))
        );
        AllocationStanding account = await history.StandingAsync(
            SyntheticHistory.Hours("acct", 1000m, new DateOnly(2026, 11, 15), new DateOnly(2026, 12, 5), SyntheticHistory.Account)
        );

        Assert.Equal(220m, institution.Used);
        Assert.Equal(210m, account.Used);

        // The threshold watch reads every institution's days at once (another institution's included): the same figures.
        history.Usage.Days[new DateOnly(2026, 12, 1)] =
        [
            .. history.Usage.Days[new DateOnly(2026, 12, 1)],
            new DailyUsage(new DateOnly(2026, 12, 1), "inst-b", SyntheticHistory.Model, string.Empty, new UsageSeconds(36000m, 0, 0, 0)),
        ];
        IReadOnlyList<AllocationStanding> watched = await history.Standings().WatchedAsync(CancellationToken.None);
        Assert.Equal([("acct", 210m), ("inst", 220m)], watched.Select(w => (w.Allocation.Id, w.Used)));
        Assert.Equal([account.Forecast, institution.Forecast], watched.Select(w => w.Forecast));
    }

    [Fact]
    public async Task MoneyAllocation_UsesTheLinesPricedAsTheStatementPricesThem()
    {
        var history = new SyntheticHistory().Burn(s_nov1, new DateOnly(2026, 11, 30), 10.00005m).At(new DateOnly(2026, 12, 1));

        AllocationStanding whole = await history.StandingAsync(
            new Allocation("cny", SyntheticHistory.Institution, null, "CNY", 10000m, s_nov1, new DateOnly(2026, 12, 31))
        );
        AllocationStanding part = await history.StandingAsync(
            new Allocation(
                "half",
                SyntheticHistory.Institution,
                null,
                "CNY",
                10000m,
                new DateOnly(2026, 11, 16),
                new DateOnly(2026, 11, 30)
            )
        );
        AllocationStanding euros = await history.StandingAsync(
            new Allocation("eur", SyntheticHistory.Institution, null, "EUR", 10000m, s_nov1, new DateOnly(2026, 12, 31))
        );

        // The month's line: 300.0015 h, billed as 300.0015 (4 places) x 28.50 = 8,550.04 (to the cent, away from zero).
        UsageReport statement = UsagePricing.Price(
            new BillingMonth(2026, 11),
            "Asia/Shanghai",
            history.Usage.Months[new BillingMonth(2026, 11)],
            await InMemoryRateCardStore.Standard().ReadAsync(CancellationToken.None)
        );
        Assert.Equal(statement.Lines.Sum(l => l.Amount), whole.Used);
        Assert.Equal(8550.04m, whole.Used);
        // Half the month: its 15 days as one line, 150.0008 h (rounded from 150.00075) x 28.50 = 4,275.02.
        Assert.Equal(4275.02m, part.Used);
        // No rate is in euros: nothing is counted against a euro budget.
        Assert.Equal(0m, euros.Used);
    }
}
