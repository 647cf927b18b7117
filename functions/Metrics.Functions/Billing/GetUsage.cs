using Metrics.Core.Access;
using Metrics.Functions.Access;

namespace Metrics.Functions.Billing;

/// <summary>
/// Finance's API: <c>GET /api/usage/{month}?institution=&amp;format=csv|json|focus&amp;by=institution|account</c>. Every
/// institution's lines for finance; one's own for an institution reader (docs/security.md).
/// </summary>
public sealed class GetUsage(UsageQuery query, AccessGate access)
{
    [Function(FunctionNames.GetUsage)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "usage/{month}")] HttpRequest request,
        string month,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        GateCheck gate = access.Check(request, AccessAction.ReadUsage, request.Query["institution"]);
        if (gate.Refusal is { } refused)
        {
            return refused;
        }

        return await UsageAnswer
            .RespondAsync(query, request, month, request.Query["institution"], gate.Hidden, cancellationToken)
            .ConfigureAwait(false);
    }
}
