using Metrics.Core.Ports;
using Metrics.Core.Statements;

namespace Metrics.Core.Billing;

/// <summary>
/// Finance's monthly usage: the one implementation behind the HTTP API and the CLI. A closed month is served from its
/// frozen statement; an open month is priced from the billing tables with today's rate card (provisional).
/// </summary>
public sealed class UsageQuery(IUsageStore usage, IRateCardStore rates, IStatementStore statements, BillingCalendar calendar)
{
    /// <summary>The month's report, or null when <paramref name="institution"/> is given and has no usage history at all.</summary>
    public async Task<UsageReport?> GetAsync(BillingMonth month, string? institution, CancellationToken cancellationToken)
    {
        FrozenStatement? frozen = await statements.ReadAsync(month, cancellationToken).ConfigureAwait(false);
        UsageReport? report = frozen?.ReportFor(institution);

        // An institution on the frozen statement is known whatever the billing tables say today.
        if (institution is not null && report is not { Lines.Count: > 0 } && !await usage.InstitutionKnownAsync(institution, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return report ?? await ComputeAsync(month, institution, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The month as the billing tables and the rate card give it now, closed or not: what a close freezes.</summary>
    public async Task<UsageReport> ComputeAsync(BillingMonth month, string? institution, CancellationToken cancellationToken)
    {
        IReadOnlyList<MonthlyUsage> lines = await usage.ReadMonthAsync(month, institution, cancellationToken).ConfigureAwait(false);
        RateCard card = await rates.ReadAsync(cancellationToken).ConfigureAwait(false);
        return UsagePricing.Price(month, calendar.TimeZoneId, lines, card);
    }
}
