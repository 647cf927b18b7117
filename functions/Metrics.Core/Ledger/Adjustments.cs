using Metrics.Core.Pricing;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// What late data changed in a closed month, booked as adjustment lines in a later, open month. Per (institution, GPU
/// model): the closed month as recomputed today, less what is already booked for it (its frozen usage lines and the
/// adjustments of it frozen in later statements). Hours are differences of the 4-decimal reported hours and amounts of
/// the 2-decimal amounts, so a closed month's booked lines always add up exactly (to 0.0001 h and to the cent) to its
/// figures as recomputed today. Amounts use the closed month's rates: the frozen line's, or for a line that appeared
/// only later, the rate card's for that month.
/// </summary>
public static class Adjustments
{
    /// <param name="bookedIn">The open month whose statement carries the adjustments.</param>
    /// <param name="closed">The closed month's frozen statement.</param>
    /// <param name="adjustedSince">Adjustments of the closed month already frozen in later statements.</param>
    /// <param name="recomputed">The closed month's usage lines as priced today.</param>
    /// <param name="institution">Only this institution, or every one.</param>
    /// <param name="warnings">Receives a warning per unpriced adjustment.</param>
    public static IReadOnlyList<UsageLine> Book(
        BillingMonth bookedIn,
        FrozenStatement closed,
        IEnumerable<UsageLine> adjustedSince,
        UsageReport recomputed,
        string? institution,
        ICollection<string> warnings
    )
    {
        ArgumentNullException.ThrowIfNull(closed);
        ArgumentNullException.ThrowIfNull(adjustedSince);
        ArgumentNullException.ThrowIfNull(recomputed);
        ArgumentNullException.ThrowIfNull(warnings);
        var booked = new Dictionary<UsageKey, Booked>();
        var rates = new Dictionary<UsageKey, UsageLine>();
        foreach (UsageLine line in closed.Report.Lines.Where(l => l.Type == UsageLineType.Usage && Includes(l, institution)))
        {
            Add(booked, line);
            rates[line.Usage.Key] = line;
        }

        foreach (UsageLine line in adjustedSince.Where(l => Includes(l, institution)))
        {
            Add(booked, line);

            // A line that late data added after the close has no frozen line: its first adjustment carries its rates.
            rates.TryAdd(line.Usage.Key, line);
        }

        var live = recomputed.Lines.Where(l => Includes(l, institution)).ToDictionary(l => l.Usage.Key);
        var lines = new List<UsageLine>();
        foreach (UsageKey key in booked.Keys.Union(live.Keys).Order())
        {
            // The closed month's rates: frozen (or first booked) with the line; for a line new today, the card's for that month.
            UsageLine? now = live.GetValueOrDefault(key);
            if (
                Difference(
                    bookedIn,
                    closed.Month,
                    key,
                    booked.GetValueOrDefault(key) ?? new Booked(),
                    now,
                    rates.GetValueOrDefault(key) ?? now!,
                    warnings
                ) is
                { } line
            )
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>
    /// One key's adjustment: the closed month as recomputed today (<paramref name="now"/>) less what is booked for it, at
    /// the <paramref name="priced"/> line's rates; null when nothing differs.
    /// </summary>
    private static UsageLine? Difference(
        BillingMonth bookedIn,
        BillingMonth closedMonth,
        UsageKey key,
        Booked before,
        UsageLine? now,
        UsageLine priced,
        ICollection<string> warnings
    )
    {
        decimal gpu = Hours(now?.Usage.Seconds.Gpu) - before.GpuHours;
        decimal active = Hours(now?.Usage.Seconds.ActiveGpu) - before.ActiveHours;
        decimal observed = Hours(now?.Usage.Seconds.ObservedGpu) - before.ObservedHours;
        decimal cpu = Hours(now?.Usage.Seconds.CpuCore) - before.CpuHours;
        int jobs = (now?.Usage.Jobs ?? 0) - before.Jobs;
        decimal? amountNow = UsagePricing.Amount(
            Hours(now?.Usage.Seconds.Gpu),
            Hours(now?.Usage.Seconds.CpuCore),
            priced.GpuRate,
            priced.CpuRate
        );
        if (gpu == 0 && active == 0 && observed == 0 && cpu == 0 && jobs == 0 && (amountNow ?? 0) == before.Amount)
        {
            return null;
        }

        decimal? amount = amountNow is null || before.Unpriced ? null : amountNow - before.Amount;
        if (amount is null)
        {
            warnings.Add($"adjustment of {closedMonth} for '{key.GpuModel}' is unpriced: no rate in force for it in {closedMonth}");
        }

        var usage = new MonthlyUsage(
            bookedIn,
            key.Institution,
            key.GpuModel,
            string.Empty,
            jobs,
            new UsageSeconds(gpu * 3600m, cpu * 3600m, active * 3600m, observed * 3600m)
        );
        return new UsageLine(usage, priced.GpuRate, priced.CpuRate, amount, priced.Currency)
        {
            Type = UsageLineType.Adjustment,
            AdjustsMonth = closedMonth,
        };
    }

    private static bool Includes(UsageLine line, string? institution) =>
        institution is null || string.Equals(line.Usage.Institution, institution, StringComparison.Ordinal);

    /// <summary>Reported hours (4 decimals) of a line's seconds; an adjustment's seconds are whole 4-decimal hours already.</summary>
    private static decimal Hours(decimal? seconds) => seconds is { } s ? UsageLine.ReportedHours(s) : 0m;

    private static void Add(Dictionary<UsageKey, Booked> booked, UsageLine line)
    {
        if (!booked.TryGetValue(line.Usage.Key, out Booked? sum))
        {
            booked[line.Usage.Key] = sum = new Booked();
        }

        sum.Jobs += line.Usage.Jobs;
        sum.GpuHours += Hours(line.Usage.Seconds.Gpu);
        sum.ActiveHours += Hours(line.Usage.Seconds.ActiveGpu);
        sum.ObservedHours += Hours(line.Usage.Seconds.ObservedGpu);
        sum.CpuHours += Hours(line.Usage.Seconds.CpuCore);
        sum.Amount += line.Amount ?? 0m;
        sum.Unpriced |= line.Amount is null;
    }

    /// <summary>What is booked so far for one (institution, model) of the closed month, in reported figures.</summary>
    private sealed class Booked
    {
        public int Jobs { get; set; }

        public decimal GpuHours { get; set; }

        public decimal ActiveHours { get; set; }

        public decimal ObservedHours { get; set; }

        public decimal CpuHours { get; set; }

        public decimal Amount { get; set; }

        public bool Unpriced { get; set; }
    }
}
