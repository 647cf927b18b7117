using Metrics.Core.Access;
using Metrics.Core.Validation;
using Metrics.Functions.Access;

namespace Metrics.Functions.Billing;

/// <summary>
/// A finance import over HTTP (vouchers, allocations): the gate decides first (a refusal is audited without reading the
/// body); the body is read no further than <see cref="FinanceLimits.MaxRequestBytes"/> (413 beyond), parsed as the import
/// file (400 naming the mistake), and imported (409 when it would change terms already imported). Every outcome but
/// the 413 is on the audit trail with the body's hash.
/// </summary>
public sealed class FinanceImport(AccessGate access, TimeProvider timeProvider, IAuditLog? audit = null)
{
    public async Task<IActionResult> RunAsync<T>(
        HttpRequest request,
        AccessAction action,
        string auditAction,
        string noun,
        Func<byte[], IReadOnlyList<T>> parse,
        Func<IReadOnlyList<T>, CancellationToken, Task<int>> import,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(import);
        GateCheck gate = access.Check(request, action, institution: null);
        if (gate.Refusal is { } refused)
        {
            // Refused before the body is read: on the record with who asked, not what they sent.
            await AuditTrail
                .RecordRefusalAsync(audit, timeProvider.GetUtcNow(), gate, auditAction, "request body (unread)", cancellationToken)
                .ConfigureAwait(false);
            return refused;
        }

        if (await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false) is not { } content)
        {
            return TooLarge();
        }

        IReadOnlyList<T> entries;
        try
        {
            entries = parse(content);
        }
        catch (FormatException ex)
        {
            await RecordAsync(gate, auditAction, content, "unread", "refused: " + ex.Message, cancellationToken).ConfigureAwait(false);
            return new BadRequestObjectResult(new { error = ex.Message });
        }

        string counts = $"{entries.Count} {noun}(s)";
        try
        {
            int added = await import(entries, cancellationToken).ConfigureAwait(false);
            await RecordAsync(
                    gate,
                    auditAction,
                    content,
                    counts,
                    $"ok: imported={added} unchanged={entries.Count - added}",
                    cancellationToken
                )
                .ConfigureAwait(false);
            return new OkObjectResult(new { imported = added, unchanged = entries.Count - added });
        }
        catch (InvalidOperationException ex)
        {
            await RecordAsync(gate, auditAction, content, counts, "refused: " + ex.Message, cancellationToken).ConfigureAwait(false);
            return new ConflictObjectResult(new { error = ex.Message });
        }
    }

    private Task RecordAsync(
        GateCheck gate,
        string auditAction,
        byte[] content,
        string counts,
        string outcome,
        CancellationToken cancellationToken
    ) =>
        AuditTrail.RecordAsync(
            audit,
            new Core.Audit.AuditRecord(
                timeProvider.GetUtcNow(),
                gate.Who,
                auditAction,
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
        if (request.ContentLength > FinanceLimits.MaxRequestBytes)
        {
            return null;
        }

        using var body = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > FinanceLimits.MaxRequestBytes)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }

    private static ObjectResult TooLarge() =>
        new(new { error = $"the request body is over {FinanceLimits.MaxRequestBytes} bytes, the limit of a finance import" })
        {
            StatusCode = StatusCodes.Status413PayloadTooLarge,
        };
}
