using System.Text.Json;

namespace Metrics.Core.Access;

/// <summary>
/// Reads the caller from <c>X-MS-CLIENT-PRINCIPAL</c>, which App Service authentication sets on every request it lets
/// through (and strips from what clients send): base64 JSON <c>{"auth_typ", "name_typ", "role_typ", "claims":
/// [{"typ", "val"}]}</c>. Roles are the claims of type <c>role_typ</c> (or <c>roles</c>) that name one of ours; an
/// institution reader's institutions are the claims of the configured type, each an id or a comma-separated list.
/// </summary>
public static class ClientPrincipal
{
    /// <summary>The header App Service authentication sets.</summary>
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The platform's short name for the caller, used when the principal names none.</summary>
    public const string NameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    /// <summary>The claim type that carries an institution reader's institutions unless configured otherwise.</summary>
    public const string DefaultInstitutionClaim = "institutions";

    /// <summary>A principal is a few claims; anything larger is not the platform's and is refused unread.</summary>
    public const int MaxHeaderLength = 32 * 1024;

    private static readonly string[] s_nameClaims = ["preferred_username", "upn", "email", "name"];

    /// <summary>
    /// The caller the header describes, or null with a reason when there is no usable principal (no header, or one that
    /// is not base64 JSON of the platform's shape).
    /// </summary>
    public static Caller? Read(string? header, string? nameHeader, string institutionClaim, out string? problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(institutionClaim);
        problem = null;
        if (string.IsNullOrEmpty(header))
        {
            problem = "no signed-in caller";
            return null;
        }

        if (header.Length > MaxHeaderLength)
        {
            problem = $"the client principal is over {MaxHeaderLength} characters";
            return null;
        }

        byte[] json;
        try
        {
            json = Convert.FromBase64String(header);
        }
        catch (FormatException)
        {
            problem = "the client principal is not base64";
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return FromJson(document.RootElement, nameHeader, institutionClaim, out problem);
        }
        catch (JsonException)
        {
            problem = "the client principal is not JSON";
            return null;
        }
    }

    private static Caller? FromJson(JsonElement root, string? nameHeader, string institutionClaim, out string? problem)
    {
        problem = null;
        if (
            root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("claims", out JsonElement claims)
            || claims.ValueKind != JsonValueKind.Array
        )
        {
            problem = "the client principal has no claims";
            return null;
        }

        string roleType = Text(root, "role_typ") ?? "roles";
        string? nameType = Text(root, "name_typ");
        var byType = new List<(string Type, string Value)>();
        foreach (JsonElement claim in claims.EnumerateArray())
        {
            if (claim.ValueKind == JsonValueKind.Object && Text(claim, "typ") is { } type && Text(claim, "val") is { } value)
            {
                byType.Add((type, value));
            }
        }

        var roles = new HashSet<Role>();
        foreach ((string type, string value) in byType)
        {
            if ((type == roleType || type == "roles") && RoleNames.Parse(value) is { } role)
            {
                roles.Add(role);
            }
        }

        var institutions = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string type, string value) in byType.Where(c => c.Type == institutionClaim))
        {
            foreach (string id in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Metrics.Contract.ContractPatterns.Id().IsMatch(id))
                {
                    institutions.Add(id);
                }
            }
        }

        string name =
            (nameType is null ? null : byType.FirstOrDefault(c => c.Type == nameType).Value)
            ?? s_nameClaims.Select(t => byType.FirstOrDefault(c => c.Type == t).Value).FirstOrDefault(v => v is not null)
            ?? (string.IsNullOrWhiteSpace(nameHeader) ? null : nameHeader)
            ?? (byType.FirstOrDefault(c => c.Type is "appid" or "azp").Value is { } app ? $"application {app}" : "an unnamed principal");
        return new Caller(Metrics.Contract.EchoedText.Cut(name, 128), roles, institutions);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
