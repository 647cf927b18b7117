using Metrics.Core.Ledger;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Core.Tests.Ledger;

/// <summary>
/// The voucher invariant under every order of closes: a voucher of 250.00 (maxShare 1) valid for three months, each
/// charging 156.00 (6 GPU-h at 26.00). Closes are asked in each of the six orders, each refused one asked again after
/// the rest, and also two at a time, interleaved: whatever the order, the months close oldest first, the credits never
/// pay more than what is left of the voucher at any moment, and in the end they pay exactly 156.00 + 94.00 + 0.00.
/// </summary>
public sealed class VoucherOrderInvariantTests
{
    private static readonly BillingCalendar s_calendar = BillingCalendar.Create("Asia/Shanghai");
    private static readonly BillingMonth[] s_months = [new(2026, 6), new(2026, 7), new(2026, 8)];

    private static (MonthClose Close, InMemoryStatementStore Statements) NewLedger()
    {
        var usage = new InMemoryUsageStore();
        foreach (BillingMonth month in s_months)
        {
            usage.Months[month] = [new MonthlyUsage(month, "inst-v", "H100-SXM5-80GB", "", 1, new UsageSeconds(6 * 3600m, 0m, 0m, 0m))];
        }

        var rates = new InMemoryRateCardStore();
        rates.ImportAsync([new RateEntry(RateKind.Gpu, "H100-SXM5-80GB", new DateOnly(2026, 1, 1), 26.00m, "CNY")], CancellationToken.None);
        var vouchers = new InMemoryVoucherStore();
        vouchers.Vouchers["v"] = new Voucher("v", "inst-v", 250.00m, "CNY", new DateOnly(2026, 6, 1), new DateOnly(2026, 8, 31), 1m);
        var statements = new InMemoryStatementStore();
        var rollup = new UsageRollup(
            new InMemoryWorkMarks(),
            new InMemoryLandedFiles(new InMemoryLandingStore()),
            new InMemoryJobStateStore(),
            usage,
            new InMemoryWorkLock(),
            s_calendar
        );
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 9, 10, 0, 0, 0, TimeSpan.Zero));
        var query = new UsageQuery(usage, rates, statements, vouchers, s_calendar);
        return (new MonthClose(rollup, query, usage, statements, new InMemoryWorkLock(), s_calendar, time), statements);
    }

    private static decimal Credits(InMemoryStatementStore statements, BillingMonth month) =>
        statements.Stored.TryGetValue(month, out byte[]? json)
            ? FrozenStatement.FromJson(json).Report.Lines.Where(l => l.Type == UsageLineType.Credit).Sum(l => l.Amount ?? 0m)
            : 0m;

    private static void AssertNeverOverpaid(InMemoryStatementStore statements) =>
        Assert.True(-s_months.Sum(m => Credits(statements, m)) <= 250.00m, "the voucher paid more than its amount");

    public static TheoryData<int[]> Orders() => new([0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]);

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task EveryOrder_ClosesOldestFirst_AndPaysTheVoucherExactlyOnce(int[] order)
    {
        (MonthClose close, InMemoryStatementStore statements) = NewLedger();
        var closedInTurn = new List<BillingMonth>();
        var asks = new Queue<BillingMonth>(order.Select(i => s_months[i]));
        while (asks.TryDequeue(out BillingMonth month))
        {
            MonthCloseResult result = await close.CloseAsync(month, CancellationToken.None);
            if (result.Outcome == MonthCloseOutcome.Closed)
            {
                closedInTurn.Add(month);
            }
            else
            {
                Assert.Equal(MonthCloseOutcome.EarlierMonthOpen, result.Outcome);
                asks.Enqueue(month);
            }

            AssertNeverOverpaid(statements);
        }

        Assert.Equal(s_months, closedInTurn);
        Assert.Equal([-156.00m, -94.00m, 0m], s_months.Select(m => Credits(statements, m)));
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task TwoAtATime_Interleaved_NeverOverpay(int[] order)
    {
        (MonthClose close, InMemoryStatementStore statements) = NewLedger();
        // Asked two at a time, concurrently; a refused month is asked again after the others, as a person would retry.
        var asks = new Queue<BillingMonth>(order.Select(i => s_months[i]));
        var open = new HashSet<BillingMonth>(s_months);
        for (int round = 0; asks.Count > 0 && round < 20; round++)
        {
            BillingMonth[] pair = [.. Enumerable.Range(0, Math.Min(2, asks.Count)).Select(_ => asks.Dequeue())];
            MonthCloseResult[] results = await Task.WhenAll(pair.Select(m => Task.Run(() => close.CloseAsync(m, CancellationToken.None))));
            foreach (MonthCloseResult result in results)
            {
                if (result.Outcome is MonthCloseOutcome.Closed or MonthCloseOutcome.AlreadyClosed)
                {
                    open.Remove(result.Month);
                }
                else
                {
                    asks.Enqueue(result.Month);
                }
            }

            AssertNeverOverpaid(statements);
        }

        Assert.Empty(open);
        Assert.Equal([-156.00m, -94.00m, 0m], s_months.Select(m => Credits(statements, m)));
    }
}
