namespace Metrics.Functions.Billing;

/// <summary>
/// The one answer for an institution a caller cannot have: one with no usage in any month, and one the caller may not
/// see (<see cref="Core.Access.AccessDecision.Hidden"/>). Both come from here, so no caller can tell them apart.
/// </summary>
internal static class UnknownInstitution
{
    public static NotFoundObjectResult Answer(string institution) =>
        new(new { error = $"unknown institution '{Metrics.Contract.EchoedText.Cut(institution, 64)}': it has no usage in any month" });
}
