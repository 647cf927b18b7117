using Metrics.Core.Ports;

namespace Metrics.Core.Billing;

/// <summary>Finance's monthly usage, priced with the rate card: the one implementation behind the HTTP API and the CLI.</summary>
public sealed class UsageQuery(IUsageStore usage, IRateCardStore rates, BillingCalendar calendar)
{
    /// <summary>The month's report, or null when <paramref name="institution"/> is given and has no usage history at all.</summary>
    public async Task<UsageReport?> GetAsync(BillingMonth month, string? institution, CancellationToken cancellationToken)
    {
        if (institution is not null && !await usage.InstitutionKnownAsync(institution, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        IReadOnlyList<MonthlyUsage> lines = await usage.ReadMonthAsync(month, institution, cancellationToken).ConfigureAwait(false);
        RateCard card = await rates.ReadAsync(cancellationToken).ConfigureAwait(false);
        return UsagePricing.Price(month, calendar.TimeZoneId, lines, card);
    }
}
