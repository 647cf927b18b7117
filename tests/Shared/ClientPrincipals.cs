using System.Text;
using System.Text.Json;
using Metrics.Core.Access;

namespace Metrics.Tests.Shared;

/// <summary>
/// <c>X-MS-CLIENT-PRINCIPAL</c> values as App Service authentication sets them for Entra ID callers: base64 JSON with the
/// caller's name, its app roles (<c>roles</c>) and, for institution readers, the <c>institutions</c> claim.
/// </summary>
public static class ClientPrincipals
{
    public static string Header(string name, IEnumerable<string> roles, IEnumerable<string>? institutions = null)
    {
        var claims = new List<object> { new { typ = "preferred_username", val = name } };
        claims.AddRange(roles.Select(r => new { typ = "roles", val = r }));
        claims.AddRange((institutions ?? []).Select(i => new { typ = ClientPrincipal.DefaultInstitutionClaim, val = i }));
        string json = JsonSerializer.Serialize(
            new
            {
                auth_typ = "aad",
                name_typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
                role_typ = "roles",
                claims,
            }
        );
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    public static string FinanceAdmin { get; } = Header("admin@finance.example", [RoleNames.FinanceAdmin]);

    public static string FinanceReader { get; } = Header("reader@finance.example", [RoleNames.FinanceReader]);

    public static string Operator { get; } = Header("ops@centre.example", [RoleNames.Operator]);

    /// <summary>A reader of <paramref name="institutions"/> only.</summary>
    public static string InstitutionReader(params string[] institutions) =>
        Header("reader@institution.example", [RoleNames.InstitutionReader], institutions);

    /// <summary>Signed in, with no role of ours.</summary>
    public static string NoRole { get; } = Header("someone@elsewhere.example", []);
}
