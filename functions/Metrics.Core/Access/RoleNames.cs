namespace Metrics.Core.Access;

/// <summary>The app role values as the app registration defines them and as they arrive in the caller's <c>roles</c> claims.</summary>
public static class RoleNames
{
    public const string FinanceAdmin = "Metrics.FinanceAdmin";
    public const string FinanceReader = "Metrics.FinanceReader";
    public const string InstitutionReader = "Metrics.InstitutionReader";
    public const string Operator = "Metrics.Operator";

    /// <summary>The role a value names; null for any other value (roles of other apps are not ours to read).</summary>
    public static Role? Parse(string value) =>
        value switch
        {
            FinanceAdmin => Role.FinanceAdmin,
            FinanceReader => Role.FinanceReader,
            InstitutionReader => Role.InstitutionReader,
            Operator => Role.Operator,
            _ => null,
        };

    /// <summary>The app role value of <paramref name="role"/>.</summary>
    public static string Of(Role role) =>
        role switch
        {
            Role.FinanceAdmin => FinanceAdmin,
            Role.FinanceReader => FinanceReader,
            Role.InstitutionReader => InstitutionReader,
            Role.Operator => Operator,
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
        };
}
