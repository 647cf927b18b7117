using Microsoft.Extensions.Time.Testing;

namespace Metrics.Core.Tests.Ledger;

/// <summary>
/// The adjustments' invariant (docs/billing.md), after random late data: a closed month's frozen lines plus every
/// adjustment that refers to it (frozen in later statements, or provisional in the open month) equal, to 0.0001 h and
/// to the cent, what the month is when recomputed today.
/// </summary>
public sealed class AdjustmentInvariantTests
{
    private static readonly BillingCalendar s_calendar = BillingCalendar.Create("Asia/Shanghai");
    private static readonly string[] s_institutions = ["inst-a", "inst-b", "inst-c"];
    private static readonly string[] s_models = ["A100-SXM4-40GB", "H100-SXM5-80GB", "B200-180GB"];

    private readonly InMemoryUsageStore _usage = new();
    private readonly InMemoryRateCardStore _rates = new();
    private readonly InMemoryStatementStore _statements = new();
    private readonly FakeTimeProvider _time = new();

    private UsageQuery Query() => new(_usage, _rates, _statements, new InMemoryVoucherStore(), s_calendar);

    private MonthClose Close()
    {
        var rollup = new UsageRollup(
            new InMemoryWorkMarks(),
            new InMemoryLandedFiles(new InMemoryLandingStore()),
            new InMemoryJobStateStore(),
            _usage,
            new InMemoryWorkLock(),
            s_calendar
        );
        return new MonthClose(rollup, Query(), _usage, _statements, new InMemoryWorkLock(), s_calendar, _time);
    }

    /// <summary>Random lines for a month: some (institution, model) pairs, odd seconds, sometimes CPU; B200 is free (rate 0).</summary>
    private static MonthlyUsage[] RandomMonth(Random random, BillingMonth month) =>
        s_institutions
            .SelectMany(i => s_models.Select(m => (i, m)))
            .Where(_ => random.NextDouble() < 0.7)
            .Select(p =>
            {
                decimal observed = random.Next(0, 3_600_000) / 7m;
                // Drawn in this order, so that each seed keeps the lines it always had.
                int jobs = random.Next(1, 9);
                decimal gpu = random.Next(1, 3_600_000) / 3m;
                decimal active = observed * random.Next(0, 101) / 100m;
                decimal cpu = random.Next(0, 2) * random.Next(0, 7_200_000) / 11m;
                return new MonthlyUsage(month, p.i, p.m, "", jobs, new UsageSeconds(gpu, cpu, active, observed));
            })
            .ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task ClosedMonths_FrozenPlusAdjustments_EqualTheirRecomputedFigures(int seed)
    {
        var random = new Random(seed);
        await _rates.ImportAsync(
            [
                new RateEntry(RateKind.Gpu, "H100-SXM5-80GB", new DateOnly(2026, 1, 1), 28.50m, "CNY"),
                new RateEntry(RateKind.Gpu, "A100-SXM4-40GB", new DateOnly(2026, 1, 1), 12.80m, "CNY"),
                new RateEntry(RateKind.Cpu, null, new DateOnly(2026, 1, 1), 0.12m, "CNY"),
                // Free, and priced so: a month with a line without a rate does not close.
                new RateEntry(RateKind.Gpu, "B200-180GB", new DateOnly(2026, 1, 1), 0m, "CNY"),
            ],
            CancellationToken.None
        );
        BillingMonth[] months = [new(2026, 6), new(2026, 7), new(2026, 8), new(2026, 9)];
        foreach (BillingMonth month in months)
        {
            _usage.Months[month] = RandomMonth(random, month);
        }

        // Close the first three in turn; before each later close, late data rewrites every closed month at random.
        for (int closing = 0; closing < 3; closing++)
        {
            _time.SetUtcNow(s_calendar.EndUtc(months[closing]).AddDays(1));
            MonthCloseResult closed = await Close().CloseAsync(months[closing], CancellationToken.None);
            Assert.Equal(MonthCloseOutcome.Closed, closed.Outcome);
            for (int late = 0; late <= closing; late++)
            {
                _usage.Months[months[late]] = RandomMonth(random, months[late]);
            }
        }

        UsageReport open = await Query().ComputeAsync(months[3], null, CancellationToken.None);
        UsageLine[] booked =
        [
            .. months[..3]
                .SelectMany(m =>
                    _statements.Stored.ContainsKey(m)
                        ? Metrics.Core.Ledger.FrozenStatement.FromJson(_statements.Stored[m]).Report.Lines
                        : []
                ),
            .. open.Lines,
        ];
        Assert.Contains(booked, l => l.Type == UsageLineType.Adjustment);
        foreach (BillingMonth closedMonth in months[..3])
        {
            RateCard card = await _rates.ReadAsync(CancellationToken.None);
            Dictionary<UsageKey, UsageLine> today = UsagePricing
                .Price(closedMonth, s_calendar.TimeZoneId, _usage.Months[closedMonth], card)
                .Lines.ToDictionary(l => l.Usage.Key);
            var ofMonth = booked
                .Where(l => (l.Type == UsageLineType.Usage && l.Usage.Month == closedMonth) || l.AdjustsMonth == closedMonth)
                .GroupBy(l => l.Usage.Key);
            foreach (var key in ofMonth.Select(g => g.Key).Union(today.Keys))
            {
                UsageLine[] lines = ofMonth.SingleOrDefault(g => g.Key == key)?.ToArray() ?? [];
                UsageLine? now = today.GetValueOrDefault(key);
                string where = $"{closedMonth} {key}";
                Assert.True(Hours(now?.Usage.Seconds.Gpu) == lines.Sum(l => Hours(l.Usage.Seconds.Gpu)), where);
                Assert.True(Hours(now?.Usage.Seconds.ActiveGpu) == lines.Sum(l => Hours(l.Usage.Seconds.ActiveGpu)), where);
                Assert.True(Hours(now?.Usage.Seconds.ObservedGpu) == lines.Sum(l => Hours(l.Usage.Seconds.ObservedGpu)), where);
                Assert.True(Hours(now?.Usage.Seconds.CpuCore) == lines.Sum(l => Hours(l.Usage.Seconds.CpuCore)), where);
                Assert.True((now?.Usage.Jobs ?? 0) == lines.Sum(l => l.Usage.Jobs), where);
                if (now?.Amount is { } amount)
                {
                    Assert.True(amount == lines.Sum(l => l.Amount ?? 0m), $"{where}: {amount} vs {lines.Sum(l => l.Amount ?? 0m)}");
                }
                else if (now is null)
                {
                    Assert.True(lines.Sum(l => l.Amount ?? 0m) == 0m, where);
                }
            }
        }
    }

    private static decimal Hours(decimal? seconds) => seconds is { } s ? UsageLine.ReportedHours(s) : 0m;
}
