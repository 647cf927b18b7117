using Metrics.Core.Pricing;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// One voucher over one month: what was left of it when the month began, and what would be left after each day, had
/// the month ended that day (the voucher rules applied to the charges so far). The last day's figure is what the
/// month's credit leaves: <see cref="Closing"/>.
/// </summary>
public sealed record VoucherDrawdown(Voucher Voucher, decimal Opening, IReadOnlyList<(DateOnly Day, decimal Balance)> Days)
{
    public decimal Closing => Days.Count == 0 ? Opening : Days[^1].Balance;

    /// <summary>
    /// Projects the institution's vouchers through the month: on each day the charges are the usage lines priced at
    /// their own rates on the seconds used so far, plus the month's adjustments (booked for the whole month), and the
    /// vouchers pay by <see cref="VoucherCredits"/>, from their opening balances.
    /// </summary>
    /// <param name="lines">The institution's lines of the month (usage, adjustments; credits are ignored).</param>
    /// <param name="days">The institution's daily usage of the month, accounts summed.</param>
    /// <param name="openings">Each voucher with what was left of it before the month.</param>
    public static IReadOnlyList<VoucherDrawdown> Project(
        BillingMonth month,
        IReadOnlyList<UsageLine> lines,
        IReadOnlyList<DailyUsage> days,
        IReadOnlyList<(Voucher Voucher, decimal Balance)> openings
    )
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(openings);
        if (openings.Count == 0)
        {
            return [];
        }

        UsageLine[] usage = lines.Where(l => l.Type == UsageLineType.Usage).ToArray();
        UsageLine[] adjustments = lines.Where(l => l.Type == UsageLineType.Adjustment).ToArray();
        var gpu = new Dictionary<UsageKey, decimal>();
        var cpu = new Dictionary<UsageKey, decimal>();
        var points = openings.ToDictionary(o => o.Voucher.Id, _ => new List<(DateOnly, decimal)>(), StringComparer.Ordinal);
        ILookup<DateOnly, DailyUsage> byDay = days.ToLookup(d => d.Day);
        for (DateOnly day = month.FirstDay; day <= month.LastDay; day = day.AddDays(1))
        {
            foreach (DailyUsage d in byDay[day])
            {
                UsageKey key = d.Key.Line();
                gpu[key] = gpu.GetValueOrDefault(key) + d.Seconds.Gpu;
                cpu[key] = cpu.GetValueOrDefault(key) + d.Seconds.CpuCore;
            }

            var charges = new List<UsageLine>(adjustments);
            foreach (UsageLine line in usage)
            {
                UsageKey key = line.Usage.Key.Line();
                decimal gpuSeconds = gpu.GetValueOrDefault(key),
                    cpuSeconds = cpu.GetValueOrDefault(key);
                decimal? amount = line.Amount is null
                    ? null
                    : UsagePricing.Amount(
                        UsageLine.ReportedHours(gpuSeconds),
                        UsageLine.ReportedHours(cpuSeconds),
                        line.GpuRate,
                        line.CpuRate
                    );
                charges.Add(line with { Amount = amount });
            }

            IReadOnlyList<UsageLine> credits = VoucherCredits.Apply(month, charges, openings, new List<string>());
            foreach ((Voucher voucher, decimal opening) in openings)
            {
                decimal paid = -credits.Where(c => c.VoucherId == voucher.Id).Sum(c => c.Amount ?? 0m);
                points[voucher.Id].Add((day, opening - paid));
            }
        }

        return openings.Select(o => new VoucherDrawdown(o.Voucher, o.Balance, points[o.Voucher.Id])).ToArray();
    }
}
