using Metrics.Core.Access;
using Metrics.Core.Ledger;
using Metrics.Functions.Access;

namespace Metrics.Functions.Billing;

/// <summary>
/// Compute vouchers over HTTP, as <c>metrics vouchers</c>: <c>GET /api/vouchers?institution=</c> lists them with what
/// closed months drew and what is left (finance, or a reader of that institution); <c>POST /api/vouchers</c> imports the
/// body, the import file's JSON (finance admins).
/// </summary>
public sealed class Vouchers(IVoucherStore store, VoucherLedger ledger, TimeProvider timeProvider, AccessGate access, FinanceImport imports)
{
    [Function(FunctionNames.ListVouchers)]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "vouchers")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        GateCheck gate = access.CheckListing(request, AccessAction.ReadVouchers, out string? institution);
        if (gate.Refusal is { } refused)
        {
            return refused;
        }

        // An institution the caller may not see lists as one with no vouchers: the same empty list.
        IReadOnlyList<VoucherBalance> balances = gate.Hidden
            ? []
            : await ledger.BalancesAsync(institution, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return new OkObjectResult(
            balances
                .Select(b => new
                {
                    id = b.Voucher.Id,
                    institution = b.Voucher.Institution,
                    currency = b.Voucher.Currency,
                    amount = b.Voucher.Amount,
                    used = b.Used,
                    balance = b.Balance,
                    valid_from = b.Voucher.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    valid_to = b.Voucher.ValidTo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    max_share = b.Voucher.MaxShare,
                    status = b.Status,
                })
                .ToArray()
        );
    }

    [Function(FunctionNames.ImportVouchers)]
    public Task<IActionResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "vouchers")] HttpRequest request,
        CancellationToken cancellationToken
    ) =>
        imports.RunAsync(
            request,
            AccessAction.ImportVouchers,
            "vouchers.import",
            "voucher",
            b => VoucherFile.Parse(b),
            store.ImportAsync,
            cancellationToken
        );
}
