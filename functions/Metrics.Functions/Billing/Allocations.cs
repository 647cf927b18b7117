using Metrics.Core.Access;
using Metrics.Core.Allocations;
using Metrics.Functions.Access;

namespace Metrics.Functions.Billing;

/// <summary>
/// Allocations over HTTP, as <c>metrics allocations</c>: <c>GET /api/allocations[?institution=]</c> lists them as they
/// stand now, used, forecast and status (finance, or a reader of that institution); <c>POST /api/allocations</c>
/// imports the body, the import file's JSON (finance admins).
/// </summary>
public sealed class Allocations(IAllocationStore store, AllocationStandings standings, AccessGate access, FinanceImport imports)
{
    [Function(FunctionNames.ListAllocations)]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "allocations")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        GateCheck gate = access.CheckListing(request, AccessAction.ReadAllocations, out string? institution);
        if (gate.Refusal is { } refused)
        {
            return refused;
        }

        // An institution the caller may not see lists as one with no allocations: the same empty list.
        IReadOnlyList<AllocationStanding> list = gate.Hidden
            ? []
            : await standings.ListAsync(institution, cancellationToken).ConfigureAwait(false);
        return new OkObjectResult(list.Select(AllocationRows.StandingBody).ToArray());
    }

    [Function(FunctionNames.ImportAllocations)]
    public Task<IActionResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "allocations")] HttpRequest request,
        CancellationToken cancellationToken
    ) =>
        imports.RunAsync(
            request,
            AccessAction.ImportAllocations,
            "allocations.import",
            "allocation",
            b => AllocationFile.Parse(b),
            store.ImportAsync,
            cancellationToken
        );
}
