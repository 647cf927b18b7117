using Metrics.Core.Access;

namespace Metrics.Functions.Access;

/// <summary>
/// How the HTTP functions learn who is calling. <see cref="PlatformSignIn"/> is what App Service says of itself
/// (<c>WEBSITE_AUTH_ENABLED</c>, set by the platform when authentication is on): only then is
/// <c>X-MS-CLIENT-PRINCIPAL</c> the platform's and not whatever a client sent, so without it every call is refused.
/// </summary>
/// <param name="PlatformSignIn">Whether App Service authentication stands in front of the app.</param>
/// <param name="InstitutionClaim">The claim type naming an institution reader's institutions.</param>
public sealed record AccessSettings(bool PlatformSignIn, string InstitutionClaim)
{
    /// <summary>Set to <c>True</c> by App Service when its authentication is on.</summary>
    public const string PlatformSignInVariable = "WEBSITE_AUTH_ENABLED";

    /// <summary>The app setting naming the institutions claim (default <see cref="ClientPrincipal.DefaultInstitutionClaim"/>).</summary>
    public const string InstitutionClaimSetting = "InstitutionClaimType";

    public static AccessSettings FromSettings(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return new(
            string.Equals(read(PlatformSignInVariable), "True", StringComparison.OrdinalIgnoreCase),
            read(InstitutionClaimSetting) is { Length: > 0 } claim ? claim : ClientPrincipal.DefaultInstitutionClaim
        );
    }
}
