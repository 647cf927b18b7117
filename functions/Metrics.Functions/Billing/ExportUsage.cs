using Metrics.Functions.Access;

namespace Metrics.Functions.Billing;

/// <summary>
/// The one route for automation with a function key, such as a finance system pulling each month's CSV:
/// <c>GET /api/export/usage?month=yyyy-MM[&amp;format=csv|json|focus][&amp;by=institution|account]</c>, every
/// institution's lines, read-only. The platform's sign-in leaves this path to the Functions host, which admits only a
/// key of this function (create a named one per system: docs/security.md); the key has a finance reader's rights.
/// </summary>
public sealed class ExportUsage(UsageQuery query, AccessGate access)
{
    /// <summary>The path the Bicep excludes from App Service authentication.</summary>
    public const string Path = "/api/export/usage";

    [Function(FunctionNames.ExportUsage)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "export/usage")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        GateCheck gate = access.CheckExportKey(request);
        if (gate.Refusal is { } refused)
        {
            return refused;
        }

        return await UsageAnswer
            .RespondAsync(query, request, request.Query["month"].ToString(), institution: null, gate.Hidden, cancellationToken)
            .ConfigureAwait(false);
    }
}
