using Metrics.Core.Audit;

namespace Metrics.Functions.Billing;

/// <summary>
/// How the functions put finance actions on the audit trail, and who made one over HTTP: the principal the platform's
/// sign-in put in <c>X-MS-CLIENT-PRINCIPAL-NAME</c> (the platform strips it from clients' requests), else the function key
/// that admitted the request, which has no name the app can see.
/// </summary>
internal static class AuditTrail
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    public static string Who(HttpRequest request) =>
        request.Headers.TryGetValue(PrincipalHeader, out var name) && !string.IsNullOrWhiteSpace(name)
            ? $"{name} (HTTP)"
            : "a function key (HTTP, no signed-in principal)";

    /// <summary>Appends <paramref name="record"/> when the app has an audit log (every deployment does; some tests do not).</summary>
    public static Task RecordAsync(IAuditLog? log, AuditRecord record, CancellationToken cancellationToken) =>
        log?.AppendAsync(record, cancellationToken) ?? Task.CompletedTask;
}
