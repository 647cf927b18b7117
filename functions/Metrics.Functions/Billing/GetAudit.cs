using Metrics.Core.Access;
using Metrics.Core.Audit;
using Metrics.Functions.Access;

namespace Metrics.Functions.Billing;

/// <summary>
/// The audit trail over HTTP: <c>GET /api/audit?month=yyyy-MM</c> (finance admins), as <c>metrics audit</c> prints it:
/// every finance action and refusal, oldest first, as JSON lines (<c>application/x-ndjson</c>). 400 for a bad month.
/// </summary>
public sealed class GetAudit(IAuditLog audit, AccessGate access)
{
    [Function(FunctionNames.GetAudit)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        if (access.Check(request, AccessAction.ReadAudit, institution: null).Refusal is { } refused)
        {
            return refused;
        }
        BillingMonth? month = null;
        if (request.Query["month"].ToString() is { Length: > 0 } text)
        {
            if (!BillingMonth.TryParse(text, out BillingMonth m))
            {
                return new BadRequestObjectResult(new { error = UsageRequest.MonthError(text) });
            }

            month = m;
        }

        IReadOnlyList<AuditRecord> records = await audit.ReadAsync(month, cancellationToken).ConfigureAwait(false);
        return new ContentResult
        {
            Content = string.Concat(records.Select(r => r.ToJsonLine() + "\n")),
            ContentType = "application/x-ndjson; charset=utf-8",
            StatusCode = StatusCodes.Status200OK,
        };
    }
}
