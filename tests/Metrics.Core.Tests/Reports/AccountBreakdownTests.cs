namespace Metrics.Core.Tests.Reports;

/// <summary>The split by account: parts that add up to the institution line exactly, each within one unit of its share.</summary>
public sealed class AccountBreakdownTests
{
    private static readonly BillingMonth Month = new(2026, 11);

    [Fact]
    public void Allocate_GivesLeftoverUnitsToTheLargestRemainders_TiesToTheFirst()
    {
        // 1.00 in thirds: 33 each, one cent left, all remainders equal: the first takes it.
        Assert.Equal([0.34m, 0.33m, 0.33m], AccountBreakdown.Allocate(1.00m, 2, [1m, 1m, 1m]));
        // 0.0500 h in 60:120:0 s: 166.67 / 333.33 / 0 units -> 167 / 333 / 0.
        Assert.Equal([0.0167m, 0.0333m, 0m], AccountBreakdown.Allocate(0.0500m, 4, [60m, 120m, 0m]));
        // No weight at all (a line of zeros): the first part takes everything.
        Assert.Equal([5.00m, 0m], AccountBreakdown.Allocate(5.00m, 2, [0m, 0m]));
        Assert.Throws<ArgumentException>(() => AccountBreakdown.Allocate(0.005m, 2, [1m]));
    }

    [Fact]
    public void Allocate_AnyWeights_PartsAddUpExactly_EachWithinOneUnitOfItsShare() =>
        Gen.Select(Gen.Long[0, 10_000_000_000], Gen.Decimal[0m, 1_000_000m].Array[1, 12], Gen.Int[0, 4])
            .Sample(
                (units, weights, decimals) =>
                {
                    decimal unit = decimals switch
                    {
                        0 => 1m,
                        1 => 0.1m,
                        2 => 0.01m,
                        3 => 0.001m,
                        _ => 0.0001m,
                    };
                    decimal total = units * unit;
                    decimal[] parts = AccountBreakdown.Allocate(total, decimals, weights);
                    decimal sum = weights.Sum();
                    return parts.Sum() == total
                        && parts.All(p => p % unit == 0)
                        && (
                            sum == 0
                                ? parts[0] == total
                                : parts.Select((p, i) => Math.Abs(p - (total * weights[i] / sum))).All(d => d < unit)
                        );
                }
            );

    [Fact]
    public void Split_KeepsEveryInstitutionFigure_AndLeavesAdjustmentsAndCreditsWhole()
    {
        // inst-a H100: 10 GPU-h, 3 core-h split 1:2 by seconds; rates 26.00 and 0.12: 260.36.
        var line = new UsageLine(
            new MonthlyUsage(Month, "inst-a", "H100", "", 3, new UsageSeconds(36_000m, 10_800m, 18_000m, 30_000m)),
            26.00m,
            0.12m,
            260.36m,
            "CNY"
        );
        var adjustment = new UsageLine(
            new MonthlyUsage(Month, "inst-a", "H100", "", 0, new UsageSeconds(-3_600m, 0, 0, 0)),
            26.00m,
            0.12m,
            -26.00m,
            "CNY"
        )
        {
            Type = UsageLineType.Adjustment,
            AdjustsMonth = Month.Previous(),
        };
        var report = new UsageReport(Month, "Asia/Shanghai", [line, adjustment], []);
        MonthlyUsage[] accounts =
        [
            new(Month, "inst-a", "H100", "proj-1", 1, new UsageSeconds(12_000m, 3_600m, 6_000m, 10_000m)),
            new(Month, "inst-a", "H100", "proj-2", 2, new UsageSeconds(24_000m, 7_200m, 12_000m, 20_000m)),
            new(Month, "inst-b", "H100", "proj-9", 9, new UsageSeconds(99m, 0, 0, 0)),
        ];

        UsageReport split = AccountBreakdown.Split(report, accounts);

        Assert.True(split.ByAccount);
        // 10 h in thirds: 3.3333 + 6.6667 (the unit left goes to the larger remainder); amounts 86.79 + 173.57 = 260.36.
        Assert.Equal(
            [("proj-1", 3.3333m, 1.0000m, 86.79m, 1), ("proj-2", 6.6667m, 2.0000m, 173.57m, 2), (string.Empty, -1.0000m, 0m, -26.00m, 0)],
            split
                .Lines.Select(l =>
                    (
                        l.Account!,
                        UsageLine.ReportedHours(l.Usage.Seconds.Gpu),
                        UsageLine.ReportedHours(l.Usage.Seconds.CpuCore),
                        l.Amount!.Value,
                        l.Usage.Jobs
                    )
                )
                .ToArray()
        );
        Assert.Equal(UsageLineType.Adjustment, split.Lines[2].Type);
        Assert.Equal([60.00m, 60.00m], split.Lines.Take(2).Select(l => l.AvgGpuUtilPct!.Value).ToArray());
    }

    [Fact]
    public void Split_LineWithoutAccounts_StaysWholeUnderTheEmptyAccount_UnpricedStaysUnpriced()
    {
        var line = new UsageLine(
            new MonthlyUsage(Month, "inst-a", "B300", "", 1, new UsageSeconds(3_600m, 0, 0, 0)),
            null,
            null,
            null,
            "CNY"
        );
        UsageReport split = AccountBreakdown.Split(new UsageReport(Month, "Asia/Shanghai", [line], []), []);
        UsageLine only = Assert.Single(split.Lines);
        Assert.Equal(string.Empty, only.Account);
        Assert.Null(only.Amount);
        Assert.Equal(3_600m, only.Usage.Seconds.Gpu);
    }
}
