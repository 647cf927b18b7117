using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// Vouchers' balances, derived rather than stored: a voucher's amount less the credits it paid in closed months'
/// frozen statements. So a balance changes only when a month closes, and a crash can never leave it out of step with
/// the statements; an open month's credits are provisional and draw on nothing yet.
/// </summary>
public sealed class VoucherLedger(IVoucherStore vouchers, IStatementStore statements, BillingCalendar calendar)
{
    /// <summary>The vouchers as of <paramref name="now"/>: what every closed month so far drew on them (<c>vouchers list</c>).</summary>
    public Task<IReadOnlyList<VoucherBalance>> BalancesAsync(
        string? institution,
        DateTimeOffset now,
        CancellationToken cancellationToken
    ) => BalancesAsync(institution, calendar.MonthOf(now).Next(), calendar.DayOf(now), cancellationToken);

    /// <summary>The institution's (or every) vouchers with their balances before <paramref name="month"/>'s own credits.</summary>
    public async Task<IReadOnlyList<VoucherBalance>> BalancesAsync(
        string? institution,
        BillingMonth month,
        DateOnly today,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<Voucher> all = await vouchers.ListAsync(institution, cancellationToken).ConfigureAwait(false);

        // Vouchers of one institution draw on the same months' statements: each is read once.
        var read = new StatementsReadOnce(statements);
        var balances = new List<VoucherBalance>(all.Count);
        foreach (
            Voucher voucher in all.OrderBy(v => v.Institution, StringComparer.Ordinal)
                .ThenBy(v => v.ValidTo)
                .ThenBy(v => v.Id, StringComparer.Ordinal)
        )
        {
            decimal used = 0m;
            for (
                var m = new BillingMonth(voucher.ValidFrom.Year, voucher.ValidFrom.Month);
                m.CompareTo(month) < 0 && m.FirstDay <= voucher.ValidTo;
                m = m.Next()
            )
            {
                FrozenStatement? statement = await read.ReadAsync(m, cancellationToken).ConfigureAwait(false);
                used -=
                    statement?.Report.Lines.Where(l => l.Type == UsageLineType.Credit && l.VoucherId == voucher.Id).Sum(l => l.Amount ?? 0m)
                    ?? 0m;
            }

            balances.Add(new VoucherBalance(voucher, used, voucher.Amount - used, today));
        }

        return balances;
    }
}
