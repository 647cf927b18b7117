using Metrics.Core.Access;
using Metrics.Functions.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Metrics.Functions.Tests;

/// <summary>The gate as it runs behind App Service authentication, and requests carrying the principal it sets.</summary>
internal static class SignedIn
{
    public static AccessGate Gate { get; } =
        new(new AccessSettings(PlatformSignIn: true, ClientPrincipal.DefaultInstitutionClaim), NullLogger<AccessGate>.Instance);

    /// <summary>Puts <paramref name="principal"/> (a <see cref="ClientPrincipals"/> value; null: none) on the request.</summary>
    public static HttpRequest As(this HttpRequest request, string? principal)
    {
        if (principal is not null)
        {
            request.Headers[ClientPrincipal.Header] = principal;
        }

        return request;
    }
}
