using Metrics.Core.Access;

namespace Metrics.Functions.Access;

/// <summary>
/// The gate's answer to one request: the decision, who asked, and for a refusal (401, 403) the response to send. A
/// <see cref="AccessDecision.Hidden"/> institution has no response here: the function answers exactly as it does for an
/// institution that does not exist.
/// </summary>
public sealed record GateCheck(AccessDecision Decision, Caller? Caller, IActionResult? Refusal)
{
    public bool Hidden => Decision == AccessDecision.Hidden;

    /// <summary>How the audit trail names the caller of this request.</summary>
    public string Who => Caller is { } caller ? $"{caller} (HTTP)" : "an unauthenticated caller (HTTP)";
}
