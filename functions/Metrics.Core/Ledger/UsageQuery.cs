using Metrics.Core.Ports;
using Metrics.Core.Pricing;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// Finance's monthly usage: the one implementation behind the HTTP API and the CLI. A closed month is served from its
/// frozen statement. An open month is priced from the billing tables with today's rate card (provisional), and carries
/// the adjustments of the closed months just before it (<see cref="Adjustments"/>) and the credits of the vouchers
/// that pay towards it (<see cref="VoucherCredits"/>), provisional until it closes.
/// </summary>
public sealed class UsageQuery(
    IUsageStore usage,
    IRateCardStore rates,
    IStatementStore statements,
    IVoucherStore vouchers,
    BillingCalendar calendar
)
{
    /// <summary>
    /// How far back an open month looks for closed months to adjust. Late data is bounded by ingest's age limits (14 days
    /// for an event, 31 for a job run), so a month changes for about two months after it ends; only a backfill reaches
    /// further, and a year covers it.
    /// </summary>
    public const int AdjustmentLookbackMonths = 12;

    /// <summary>
    /// The month's report, or null when <paramref name="institution"/> is given and has no usage history at all. By
    /// account, each usage line is split into its projects' parts (<see cref="AccountBreakdown"/>), which add up to it.
    /// </summary>
    public Task<UsageReport?> GetAsync(BillingMonth month, string? institution, CancellationToken cancellationToken) =>
        GetAsync(month, institution, byAccount: false, cancellationToken);

    /// <inheritdoc cref="GetAsync(BillingMonth, string?, CancellationToken)"/>
    public async Task<UsageReport?> GetAsync(BillingMonth month, string? institution, bool byAccount, CancellationToken cancellationToken)
    {
        FrozenStatement? frozen = await statements.ReadAsync(month, cancellationToken).ConfigureAwait(false);
        UsageReport? report =
            frozen is null ? null
            : byAccount ? frozen.ReportByAccountFor(institution)
            : frozen.ReportFor(institution);

        // An institution on the frozen statement is known whatever the billing tables say today.
        if (
            institution is not null
            && report is not { Lines.Count: > 0 }
            && !await usage.InstitutionKnownAsync(institution, cancellationToken).ConfigureAwait(false)
        )
        {
            return null;
        }

        if (report is not null)
        {
            return report;
        }

        UsageReport computed = await ComputeAsync(month, institution, cancellationToken).ConfigureAwait(false);
        return byAccount
            ? AccountBreakdown.Split(computed, await AccountsAsync(month, institution, cancellationToken).ConfigureAwait(false))
            : computed;
    }

    /// <summary>
    /// The month's usage by account as the billing tables give it now (exact seconds): what a close freezes with the lines.
    /// </summary>
    public Task<IReadOnlyList<MonthlyUsage>> AccountsAsync(BillingMonth month, string? institution, CancellationToken cancellationToken) =>
        usage.ReadMonthAccountsAsync(month, institution, cancellationToken);

    /// <summary>
    /// The month as the billing tables and the rate card give it now, with the adjustments it books for the closed months
    /// before it: what its statement will freeze when it closes.
    /// </summary>
    public async Task<UsageReport> ComputeAsync(BillingMonth month, string? institution, CancellationToken cancellationToken)
    {
        RateCard card = await rates.ReadAsync(cancellationToken).ConfigureAwait(false);
        UsageReport own = await PriceAsync(month, institution, card, cancellationToken).ConfigureAwait(false);

        // The closed months just before this one, back to the first open one: this is the earliest open month after each.
        // The vouchers below draw on the same statements, so each is read once.
        var read = new StatementsReadOnce(statements);
        var closed = new List<FrozenStatement>();
        for (BillingMonth m = month.Previous(); closed.Count < AdjustmentLookbackMonths; m = m.Previous())
        {
            if (await read.ReadAsync(m, cancellationToken).ConfigureAwait(false) is not { } statement)
            {
                break;
            }

            closed.Add(statement);
        }

        var lines = new List<UsageLine>(own.Lines);
        var warnings = new SortedSet<string>(own.Warnings, StringComparer.Ordinal);
        foreach (FrozenStatement statement in closed)
        {
            IEnumerable<UsageLine> adjustedSince = closed
                .Where(later => later.Month.CompareTo(statement.Month) > 0)
                .SelectMany(later => later.Report.Lines)
                .Where(l => l.Type == UsageLineType.Adjustment && l.AdjustsMonth == statement.Month);
            UsageReport recomputed = await PriceAsync(statement.Month, institution, card, cancellationToken).ConfigureAwait(false);
            lines.AddRange(Adjustments.Book(month, statement, adjustedSince, recomputed, institution, warnings));
        }

        // Vouchers pay last, towards usage and adjustments alike, from what closed months have left of them.
        VoucherBalance[] paying = (
            await new VoucherLedger(vouchers, read, calendar)
                .BalancesAsync(institution, month, month.LastDay, cancellationToken)
                .ConfigureAwait(false)
        )
            .Where(b => b.Voucher.ValidOn(month.LastDay))
            .ToArray();
        lines.AddRange(VoucherCredits.Apply(month, lines, paying.Select(b => (b.Voucher, b.Balance)).ToArray(), warnings));

        UsageLine[] ordered = lines
            .OrderBy(l => l.Usage.Institution, StringComparer.Ordinal)
            .ThenBy(l => l.Type)
            .ThenBy(l => l.AdjustsMonth)
            .ThenBy(l => l.Usage.GpuModel, StringComparer.Ordinal)
            .ToArray();
        return own with { Lines = ordered, Warnings = warnings.ToArray() };
    }

    private async Task<UsageReport> PriceAsync(BillingMonth month, string? institution, RateCard card, CancellationToken cancellationToken)
    {
        IReadOnlyList<MonthlyUsage> lines = await usage.ReadMonthAsync(month, institution, cancellationToken).ConfigureAwait(false);
        return UsagePricing.Price(month, calendar.TimeZoneId, lines, card);
    }
}
