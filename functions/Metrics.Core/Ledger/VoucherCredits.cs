using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// How vouchers pay towards a month's charges, per institution. Rules (docs/billing.md, "Vouchers"):
/// <list type="number">
/// <item>the charges are the institution's priced usage and adjustment lines of the month, per currency; unpriced
/// lines count for nothing until they are priced;</item>
/// <item>the vouchers that pay are the institution's vouchers in that currency valid on the month's last day (local),
/// earliest expiry first (then by id);</item>
/// <item>each pays the least of: what is left of its balance; its share of the month's charges, rounded down to the
/// cent (it never pays more than its share); and what is left of the charges;</item>
/// <item>each payment is a <c>credit</c> line: a negative amount, an empty GPU model, the voucher's id.</item>
/// </list>
/// Exact decimals throughout; the only rounding is the share's, down.
/// </summary>
public static class VoucherCredits
{
    /// <param name="month">The month charged.</param>
    /// <param name="charges">The month's lines (any institutions).</param>
    /// <param name="vouchers">Candidate vouchers with what is left of each (balance after credits of closed months).</param>
    /// <param name="warnings">Receives a note per voucher that could not pay (currency).</param>
    public static IReadOnlyList<UsageLine> Apply(
        BillingMonth month,
        IReadOnlyList<UsageLine> charges,
        IReadOnlyList<(Voucher Voucher, decimal Balance)> vouchers,
        ICollection<string> warnings
    )
    {
        ArgumentNullException.ThrowIfNull(charges);
        ArgumentNullException.ThrowIfNull(vouchers);
        ArgumentNullException.ThrowIfNull(warnings);
        DateOnly lastDay = month.LastDay;
        var credits = new List<UsageLine>();
        foreach (
            var institution in charges
                .Where(l => l.Type != UsageLineType.Credit && l.Amount is not null)
                .GroupBy(l => l.Usage.Institution, StringComparer.Ordinal)
        )
        {
            Dictionary<string, decimal> byCurrency = institution
                .GroupBy(l => l.Currency, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(l => l.Amount!.Value), StringComparer.Ordinal);
            var left = new Dictionary<string, decimal>(byCurrency, StringComparer.Ordinal);
            foreach (
                (Voucher voucher, decimal balance) in vouchers
                    .Where(v => v.Voucher.Institution == institution.Key && v.Voucher.ValidOn(lastDay) && v.Balance > 0)
                    .OrderBy(v => v.Voucher.ValidTo)
                    .ThenBy(v => v.Voucher.Id, StringComparer.Ordinal)
            )
            {
                if (!byCurrency.TryGetValue(voucher.Currency, out decimal total))
                {
                    warnings.Add(
                        $"voucher {voucher.Id} of {institution.Key} is in {voucher.Currency}, but its charges of {month} are not: it pays "
                            + $"nothing"
                    );
                    continue;
                }

                decimal share = Math.Round(voucher.MaxShare * total, 2, MidpointRounding.ToZero);
                decimal pays = Math.Min(Math.Min(balance, share), left[voucher.Currency]);
                if (pays <= 0)
                {
                    continue;
                }

                left[voucher.Currency] -= pays;
                var none = new MonthlyUsage(month, institution.Key, string.Empty, string.Empty, 0, default);
                credits.Add(
                    new UsageLine(none, null, null, -pays, voucher.Currency) { Type = UsageLineType.Credit, VoucherId = voucher.Id }
                );
            }
        }

        return credits;
    }
}
