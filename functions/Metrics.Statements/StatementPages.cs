namespace Metrics.Statements;

/// <summary>
/// The statement pages, read and drawn: what <c>GET /api/statements/...</c> and <c>metrics statement</c> both serve.
/// The month's figures come from <see cref="StatementQuery"/>; the allocations, as they stand when the page is drawn,
/// from <see cref="AllocationStandings"/>, on the pages of open months only: a closed month's page is final, the same
/// bytes whatever arrives later, and an allocation's standing moves with every rollup.
/// </summary>
public sealed class StatementPages(StatementQuery query, AllocationStandings allocations, BillingCalendar calendar)
{
    public async Task<string> CentreAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        CentreOverview overview = await query.CentreAsync(month, cancellationToken).ConfigureAwait(false);
        if (overview.Report.Closed)
        {
            return CentreOverviewPage.Render(overview, calendar);
        }

        IReadOnlyList<AllocationStanding> standings = await allocations.ListAsync(null, cancellationToken).ConfigureAwait(false);
        return CentreOverviewPage.Render(overview, calendar, standings);
    }

    /// <summary>The institution's page, or null when it has no usage in any month.</summary>
    public async Task<string?> InstitutionAsync(BillingMonth month, string institution, CancellationToken cancellationToken)
    {
        if (await query.InstitutionAsync(month, institution, cancellationToken).ConfigureAwait(false) is not { } statement)
        {
            return null;
        }

        if (statement.Report.Closed)
        {
            return InstitutionStatementPage.Render(statement, calendar);
        }

        IReadOnlyList<AllocationBurnDown> burnDowns = await allocations
            .BurnDownsAsync(institution, month, cancellationToken)
            .ConfigureAwait(false);
        return InstitutionStatementPage.Render(statement, calendar, burnDowns);
    }
}
