using Metrics.Core.Access;

namespace Metrics.Functions.Access;

/// <summary>
/// Every HTTP function asks this gate, first, whether its caller may do what it asks; the decision itself is
/// <see cref="AccessPolicy"/>'s (docs/security.md). The caller comes from the platform's sign-in
/// (<see cref="ClientPrincipal"/>), trusted only while App Service authentication is on (<see cref="AccessSettings"/>).
/// Every refusal is logged. A function that does not ask fails <c>AccessMatrixTests</c>.
/// </summary>
public sealed class AccessGate(AccessSettings settings, ILogger<AccessGate> logger)
{
    /// <summary>Decides on <paramref name="action"/> for <paramref name="institution"/> (null: every institution, or none).</summary>
    public GateCheck Check(HttpRequest request, AccessAction action, string? institution)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? problem;
        Caller? caller = null;
        if (!settings.PlatformSignIn)
        {
            problem = "sign-in is not configured: the app serves no one until App Service authentication is on (docs/security.md)";
        }
        else
        {
            caller = ClientPrincipal.Read(
                request.Headers[ClientPrincipal.Header],
                request.Headers[ClientPrincipal.NameHeader],
                settings.InstitutionClaim,
                out problem
            );
        }

        string route = request.Path.HasValue ? request.Path.Value! : action.ToString();
        AccessDecision decision = AccessPolicy.Decide(caller, action, string.IsNullOrEmpty(institution) ? null : institution);
        switch (decision)
        {
            case AccessDecision.Unauthenticated:
                AccessLog.Unauthenticated(logger, action.ToString(), route, problem ?? "no signed-in caller");
                return new GateCheck(
                    decision,
                    null,
                    new ObjectResult(new { error = $"sign in first: {problem}" }) { StatusCode = StatusCodes.Status401Unauthorized }
                );
            case AccessDecision.Forbidden:
                AccessLog.Forbidden(logger, caller!.ToString(), action.ToString(), route);
                return new GateCheck(
                    decision,
                    caller,
                    new ObjectResult(
                        new { error = $"forbidden: {Describe(action)} takes a role {caller} does not hold (docs/security.md)" }
                    )
                    {
                        StatusCode = StatusCodes.Status403Forbidden,
                    }
                );
            case AccessDecision.Hidden:
                // Logged, never told: the caller gets the answer for an institution that does not exist.
                AccessLog.Hidden(logger, caller!.ToString(), action.ToString(), route);
                return new GateCheck(decision, caller, null);
            default:
                return new GateCheck(decision, caller, null);
        }
    }

    /// <summary>
    /// Decides for the one route automation reaches with a function key (<c>GET /api/export/usage</c>, which the
    /// platform's sign-in leaves to the Functions host's key check): the key stands for a finance reader, whatever
    /// principal the request carries, so it can read every institution's usage and change nothing.
    /// </summary>
    /// <summary>
    /// A listing of one institution's entries or of all (<c>?institution=ID</c>, optional): the gate decides on the
    /// institution named, then a named one that is not a valid id is refused with 400. <paramref name="institution"/> is
    /// the one named, null for all.
    /// </summary>
    public GateCheck CheckListing(HttpRequest request, AccessAction action, out string? institution)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? named = request.Query["institution"];
        institution = string.IsNullOrEmpty(named) ? null : named;
        GateCheck gate = Check(request, action, institution);
        return gate.Refusal is null && institution is not null && !Metrics.Contract.ContractPatterns.Id().IsMatch(institution)
            ? gate with
            {
                Refusal = new BadRequestObjectResult(
                    new { error = $"institution '{Metrics.Contract.EchoedText.Cut(institution, 64)}' is not a valid institution id" }
                ),
            }
            : gate;
    }

    public GateCheck CheckExportKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        AccessDecision decision = AccessPolicy.Decide(ExportKey, AccessAction.ReadUsage, institution: null);
        return new GateCheck(decision, ExportKey, null);
    }

    /// <summary>The caller a function key of the export route stands for.</summary>
    public static Caller ExportKey { get; } =
        new("a function key of the export route", new HashSet<Role> { Role.FinanceReader }, new HashSet<string>());

    /// <summary>What an action is, in a refusal's words; never naming an institution.</summary>
    private static string Describe(AccessAction action) =>
        action switch
        {
            AccessAction.ReadUsage => "reading usage of every institution",
            AccessAction.ReadStatement => "reading the centre's statements",
            AccessAction.ReadVouchers => "listing every institution's vouchers",
            AccessAction.ImportVouchers => "importing vouchers",
            AccessAction.CloseMonth => "closing a month",
            AccessAction.ReadAudit => "reading the audit trail",
            AccessAction.ReadStatus => "reading the status",
            _ => action.ToString(),
        };
}
