using Metrics.Core.Access;
using Metrics.Core.Ledger;
using Metrics.Functions.Access;

namespace Metrics.Functions.Billing;

/// <summary>
/// Compute vouchers over HTTP, as <c>metrics vouchers</c>: <c>GET /api/vouchers?institution=</c> lists them with what
/// closed months drew and what is left (finance, or a reader of that institution); <c>POST /api/vouchers</c> imports the
/// body, the import file's JSON (finance admins).
/// </summary>
public sealed class Vouchers(
    IVoucherStore store,
    VoucherLedger ledger,
    TimeProvider timeProvider,
    AccessGate access,
    IAuditLog? audit = null
)
{
    [Function(FunctionNames.ListVouchers)]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "vouchers")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        string? institution = request.Query["institution"];
        GateCheck gate = access.Check(request, AccessAction.ReadVouchers, institution);
        if (gate.Refusal is { } refused)
        {
            return refused;
        }

        if (!string.IsNullOrEmpty(institution) && !Metrics.Contract.ContractPatterns.Id().IsMatch(institution))
        {
            return new BadRequestObjectResult(
                new { error = $"institution '{Metrics.Contract.EchoedText.Cut(institution, 64)}' is not a valid institution id" }
            );
        }

        // An institution the caller may not see lists as one with no vouchers: the same empty list.
        IReadOnlyList<VoucherBalance> balances = gate.Hidden
            ? []
            : await ledger
                .BalancesAsync(string.IsNullOrEmpty(institution) ? null : institution, timeProvider.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false);
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
    public async Task<IActionResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "vouchers")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        GateCheck gate = access.Check(request, AccessAction.ImportVouchers, institution: null);
        if (gate.Refusal is { } refused)
        {
            // Refused before the body is read: on the record with who asked, not what they sent.
            await AuditTrail
                .RecordRefusalAsync(audit, timeProvider.GetUtcNow(), gate, "vouchers.import", "request body (unread)", cancellationToken)
                .ConfigureAwait(false);
            return refused;
        }

        if (await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false) is not { } content)
        {
            return TooLarge();
        }

        IReadOnlyList<Voucher> vouchers;
        try
        {
            vouchers = VoucherFile.Parse(content);
        }
        catch (FormatException ex)
        {
            await RecordAsync(gate, content, "unread", "refused: " + ex.Message, cancellationToken).ConfigureAwait(false);
            return new BadRequestObjectResult(new { error = ex.Message });
        }

        string counts = $"{vouchers.Count} voucher(s)";
        try
        {
            int added = await store.ImportAsync(vouchers, cancellationToken).ConfigureAwait(false);
            await RecordAsync(gate, content, counts, $"ok: imported={added} unchanged={vouchers.Count - added}", cancellationToken)
                .ConfigureAwait(false);
            return new OkObjectResult(new { imported = added, unchanged = vouchers.Count - added });
        }
        catch (InvalidOperationException ex)
        {
            await RecordAsync(gate, content, counts, "refused: " + ex.Message, cancellationToken).ConfigureAwait(false);
            return new ConflictObjectResult(new { error = ex.Message });
        }
    }

    private Task RecordAsync(GateCheck gate, byte[] content, string counts, string outcome, CancellationToken cancellationToken) =>
        AuditTrail.RecordAsync(
            audit,
            new Core.Audit.AuditRecord(
                timeProvider.GetUtcNow(),
                gate.Who,
                "vouchers.import",
                Core.Audit.AuditRecord.FileSubject("request body", content, counts),
                outcome
            ),
            cancellationToken
        );

    /// <summary>
    /// The request body, read no further than the limit whatever the request claims (chunked bodies carry no length);
    /// null when it is over.
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > Core.Validation.FinanceLimits.MaxRequestBytes)
        {
            return null;
        }

        using var body = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > Core.Validation.FinanceLimits.MaxRequestBytes)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }

    private static ObjectResult TooLarge() =>
        new(
            new { error = $"the request body is over {Core.Validation.FinanceLimits.MaxRequestBytes} bytes, the limit of a finance import" }
        )
        {
            StatusCode = StatusCodes.Status413PayloadTooLarge,
        };
}
