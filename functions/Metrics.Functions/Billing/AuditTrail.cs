using Metrics.Core.Audit;

namespace Metrics.Functions.Billing;

/// <summary>
/// How the functions put finance actions on the audit trail; who made one over HTTP is the gate's caller
/// (<see cref="Access.GateCheck.Who"/>).
/// </summary>
internal static class AuditTrail
{
    /// <summary>
    /// Records a finance action the gate refused (401, 403): who asked, what, and the decision. The request's body is
    /// never read for it.
    /// </summary>
    public static Task RecordRefusalAsync(
        IAuditLog? log,
        DateTimeOffset at,
        Access.GateCheck gate,
        string action,
        string subject,
        CancellationToken cancellationToken
    ) =>
        RecordAsync(
            log,
            new AuditRecord(at, gate.Who, action, subject, $"refused: {gate.Decision.ToString().ToLowerInvariant()}"),
            cancellationToken
        );

    /// <summary>Appends <paramref name="record"/> when the app has an audit log (every deployment does; some tests do not).</summary>
    public static Task RecordAsync(IAuditLog? log, AuditRecord record, CancellationToken cancellationToken) =>
        log?.AppendAsync(record, cancellationToken) ?? Task.CompletedTask;
}
