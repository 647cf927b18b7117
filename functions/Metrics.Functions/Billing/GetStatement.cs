using Metrics.Core.Access;
using Metrics.Functions.Access;
using Metrics.Statements;

namespace Metrics.Functions.Billing;

/// <summary>
/// The statement pages: <c>GET /api/statements/{month}</c>, the centre's overview (finance), and
/// <c>GET /api/statements/{month}/{institution}</c>, an institution's statement (finance, or a reader of that
/// institution). Self-contained HTML.
/// </summary>
public sealed class GetStatement(StatementPages pages, AccessGate access)
{
    [Function(FunctionNames.GetCentreOverview)]
    public async Task<IActionResult> OverviewAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "statements/{month}")] HttpRequest request,
        string month,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        if (access.Check(request, AccessAction.ReadStatement, institution: null).Refusal is { } refused)
        {
            return refused;
        }
        if (!UsageRequest.TryParse(month, institution: null, format: null, out UsageRequest? parsed, out string? error))
        {
            return new BadRequestObjectResult(new { error });
        }

        return Html(await pages.CentreAsync(parsed!.Month, cancellationToken).ConfigureAwait(false));
    }

    [Function(FunctionNames.GetInstitutionStatement)]
    public async Task<IActionResult> InstitutionAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "statements/{month}/{institution}")] HttpRequest request,
        string month,
        string institution,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        GateCheck gate = access.Check(request, AccessAction.ReadStatement, institution);
        if (gate.Refusal is { } refused)
        {
            return refused;
        }

        if (!UsageRequest.TryParse(month, institution, format: null, out UsageRequest? parsed, out string? error))
        {
            return new BadRequestObjectResult(new { error });
        }

        string? page = gate.Hidden
            ? null
            : await pages.InstitutionAsync(parsed!.Month, parsed.Institution!, cancellationToken).ConfigureAwait(false);
        return page is null ? UnknownInstitution.Answer(parsed!.Institution!) : Html(page);
    }

    private static ContentResult Html(string html) =>
        new()
        {
            Content = html,
            ContentType = "text/html; charset=utf-8",
            StatusCode = StatusCodes.Status200OK,
        };
}
