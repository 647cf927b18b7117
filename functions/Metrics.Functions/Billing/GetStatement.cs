using Metrics.Statements;

namespace Metrics.Functions.Billing;

/// <summary>
/// The statement pages (function key required, like the usage API): <c>GET /api/statements/{month}</c>, the centre's
/// overview, and <c>GET /api/statements/{month}/{institution}</c>, an institution's statement. Self-contained HTML.
/// </summary>
public sealed class GetStatement(StatementQuery query, BillingCalendar calendar)
{
    [Function(FunctionNames.GetCentreOverview)]
    public async Task<IActionResult> OverviewAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "statements/{month}")] HttpRequest request,
        string month,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!UsageRequest.TryParse(month, institution: null, format: null, out UsageRequest? parsed, out string? error))
        {
            return new BadRequestObjectResult(new { error });
        }

        CentreOverview overview = await query.CentreAsync(parsed!.Month, cancellationToken).ConfigureAwait(false);
        return Html(CentreOverviewPage.Render(overview, calendar));
    }

    [Function(FunctionNames.GetInstitutionStatement)]
    public async Task<IActionResult> InstitutionAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "statements/{month}/{institution}")] HttpRequest request,
        string month,
        string institution,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!UsageRequest.TryParse(month, institution, format: null, out UsageRequest? parsed, out string? error))
        {
            return new BadRequestObjectResult(new { error });
        }

        InstitutionStatement? statement = await query
            .InstitutionAsync(parsed!.Month, parsed.Institution!, cancellationToken)
            .ConfigureAwait(false);
        return statement is null
            ? new NotFoundObjectResult(new { error = $"unknown institution '{parsed.Institution}': it has no usage in any month" })
            : Html(InstitutionStatementPage.Render(statement, calendar));
    }

    private static ContentResult Html(string html) =>
        new()
        {
            Content = html,
            ContentType = "text/html; charset=utf-8",
            StatusCode = StatusCodes.Status200OK,
        };
}
