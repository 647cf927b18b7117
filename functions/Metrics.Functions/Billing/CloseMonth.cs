using System.Globalization;
using Metrics.Core.Access;
using Metrics.Functions.Access;

namespace Metrics.Functions.Billing;

/// <summary>
/// Finance admins close a month over HTTP: <c>POST /api/months/{month}/close</c>, as <c>metrics close</c>
/// does. 200 with the statement's seal when closed now or before (<c>already_closed</c> says which); 409 when the month
/// has not ended; 503 when the rollup failed for work that concerns it, or another rollup held the lock too long (the
/// month stays open; try again).
/// </summary>
public sealed class CloseMonth(MonthClose close, AccessGate access, IAuditLog? audit = null, TimeProvider? time = null)
{
    [Function(FunctionNames.CloseMonth)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "months/{month}/close")] HttpRequest request,
        string month,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        GateCheck gate = access.Check(request, AccessAction.CloseMonth, institution: null);
        if (gate.Refusal is { } refused)
        {
            // A refused close is a finance action refused: on the record, with who asked.
            await AuditTrail
                .RecordRefusalAsync(
                    audit,
                    (time ?? TimeProvider.System).GetUtcNow(),
                    gate,
                    "month.close",
                    Metrics.Contract.EchoedText.Cut(month, 16),
                    cancellationToken
                )
                .ConfigureAwait(false);
            return refused;
        }

        if (!BillingMonth.TryParse(month, out BillingMonth m))
        {
            return new BadRequestObjectResult(new { error = UsageRequest.MonthError(month) });
        }

        MonthCloseResult result;
        try
        {
            result = await close.CloseAsync(m, cancellationToken).ConfigureAwait(false);
            await AuditTrail
                .RecordAsync(
                    audit,
                    Core.Audit.AuditRecord.ForClose((time ?? TimeProvider.System).GetUtcNow(), gate.Who, result),
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        catch (WorkLockBusyException ex)
        {
            // A long rollup holds the lock: nothing was closed; the caller tries again.
            return new ObjectResult(new { error = $"{m} was not closed: {ex.Message}; try again in a few minutes" })
            {
                StatusCode = StatusCodes.Status503ServiceUnavailable,
            };
        }

        return Answer(m, result);
    }

    /// <summary>What a close's outcome is over HTTP: 200 with the seal, 409 with why it stays open, 503 to try again.</summary>
    private static IActionResult Answer(BillingMonth m, MonthCloseResult result) =>
        result.Outcome switch
        {
            MonthCloseOutcome.NotEnded => new ConflictObjectResult(
                new
                {
                    error = $"{m} has not ended: it ends at "
                        + $"{result.EndsAt!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}; a month can be "
                        + $"closed only after it ends",
                }
            ),
            MonthCloseOutcome.EarlierMonthOpen => new ConflictObjectResult(
                new
                {
                    error = $"{m} stays open: {result.EarlierOpen} has usage and is not closed; months close in order, close "
                        + $"{result.EarlierOpen} first",
                    earliest_open = result.EarlierOpen.ToString(),
                }
            ),
            MonthCloseOutcome.Unpriced => new ConflictObjectResult(
                new
                {
                    error = $"{m} stays open: {result.Unpriced.Sum(u => u.Lines)} line(s) have no price; import the missing rates and "
                        + "close again",
                    unpriced = result.Unpriced.Select(u => u.ToString()).ToArray(),
                }
            ),
            MonthCloseOutcome.RollupFailed => new ObjectResult(
                new
                {
                    error = $"{m} stays open: the rollup failed for {result.Failures.Count} unit(s) of work that concern it",
                    failures = result.Failures.Select(f => f.ToString()).ToArray(),
                }
            )
            {
                StatusCode = StatusCodes.Status503ServiceUnavailable,
            },
            _ => new OkObjectResult(
                new
                {
                    month = m.ToString(),
                    already_closed = result.Outcome == MonthCloseOutcome.AlreadyClosed,
                    statement_id = result.Statement!.Seal.StatementId,
                    closed_at = result.Statement.Seal.ClosedAt,
                    statement_sha256 = result.Statement.Seal.CsvSha256,
                    lines = result.Statement.Report.Lines.Count,
                }
            ),
        };
}
