using Metrics.Core.Ledger;

namespace Metrics.Core.Tests.Ledger;

/// <summary>A voucher's balance through a month, day by day, worked out by hand.</summary>
public sealed class VoucherDrawdownTests
{
    private static readonly BillingMonth s_march = new(2027, 3);
    private const string H100 = "H100-SXM5-80GB";

    /// <summary>5 GPU-hours at 26.00: 130.00 for the month.</summary>
    private static UsageLine MonthLine(decimal? amount = 130.00m) =>
        new(new MonthlyUsage(s_march, "inst-a", H100, "", 2, new UsageSeconds(18000m, 0m, 0m, 0m)), 26.00m, null, amount, "CNY");

    private static readonly DailyUsage[] s_days =
    [
        new(new DateOnly(2027, 3, 10), "inst-a", H100, "", new UsageSeconds(7200m, 0m, 0m, 0m)),
        new(new DateOnly(2027, 3, 12), "inst-a", H100, "", new UsageSeconds(10800m, 0m, 0m, 0m)),
    ];

    private static Voucher V(string id, decimal share) =>
        new(id, "inst-a", 100.00m, "CNY", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), share);

    [Fact]
    public void Project_PaysItsShareOfTheChargesSoFar_EachDay_EndingOnTheMonthsCredit()
    {
        IReadOnlyList<VoucherDrawdown> drawdowns = VoucherDrawdown.Project(s_march, [MonthLine()], s_days, [(V("v1", 0.5m), 100.00m)]);

        VoucherDrawdown v1 = Assert.Single(drawdowns);
        Assert.Equal(31, v1.Days.Count);
        // Nothing used until the 10th; 2 h (52.00, half paid) on the 10th; 5 h (130.00, half paid) from the 12th.
        Assert.Equal(100.00m, v1.Days[8].Balance);
        Assert.Equal(74.00m, v1.Days[9].Balance);
        Assert.Equal(74.00m, v1.Days[10].Balance);
        Assert.Equal(35.00m, v1.Days[11].Balance);
        Assert.Equal((100.00m, 35.00m), (v1.Opening, v1.Closing));
        Assert.Equal(-65.00m, VoucherCredits.Apply(s_march, [MonthLine()], [(V("v1", 0.5m), 100.00m)], new List<string>()).Single().Amount);
    }

    [Fact]
    public void Project_BooksAnAdjustmentFromTheFirstDay_AndALowBalanceRunsOut()
    {
        UsageLine adjustment = new(
            new MonthlyUsage(s_march, "inst-a", H100, "", 0, new UsageSeconds(3600m, 0m, 0m, 0m)),
            26.00m,
            null,
            26.00m,
            "CNY"
        )
        {
            Type = UsageLineType.Adjustment,
            AdjustsMonth = new BillingMonth(2027, 2),
        };

        VoucherDrawdown v = Assert.Single(VoucherDrawdown.Project(s_march, [MonthLine(), adjustment], s_days, [(V("v1", 1m), 40.00m)]));

        // The 1st: 26.00 of adjustment, all paid from 40.00; the 10th: 78.00 charged, the last 14.00 paid.
        Assert.Equal((40.00m, 14.00m, 0m, 0m), (v.Opening, v.Days[0].Balance, v.Days[9].Balance, v.Closing));
    }

    [Fact]
    public void Project_WithoutVouchers_IsEmpty_AndAnUnpricedLineDrawsNothing()
    {
        Assert.Empty(VoucherDrawdown.Project(s_march, [MonthLine()], s_days, []));

        VoucherDrawdown v = Assert.Single(VoucherDrawdown.Project(s_march, [MonthLine(amount: null)], s_days, [(V("v1", 1m), 100.00m)]));
        Assert.All(v.Days, d => Assert.Equal(100.00m, d.Balance));
    }
}
