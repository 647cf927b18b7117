using Metrics.Core.Access;
using Metrics.Functions.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Metrics.Integration.Tests;

/// <summary>The gate as it runs behind App Service authentication, and requests carrying the principal it sets.</summary>
internal static class SignedIn
{
    public static AccessGate Gate { get; } =
        new(new AccessSettings(PlatformSignIn: true, ClientPrincipal.DefaultInstitutionClaim), NullLogger<AccessGate>.Instance);

    /// <summary>
    /// A request as the host passes it, with <paramref name="principal"/> (a <see cref="ClientPrincipals"/> value), if any.
    /// </summary>
    public static HttpRequest Request(string method, string? principal, string query = "", string body = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.QueryString = new QueryString(query);
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        if (principal is not null)
        {
            context.Request.Headers[ClientPrincipal.Header] = principal;
        }

        return context.Request;
    }
}
