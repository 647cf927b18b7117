namespace Metrics.Core.Access;

/// <summary>
/// Who is calling, as the platform's sign-in established it: a name for the audit trail, its roles, and for an
/// institution reader the institutions its claims name.
/// </summary>
public sealed record Caller(string Name, IReadOnlySet<Role> Roles, IReadOnlySet<string> Institutions)
{
    public bool Has(Role role) => Roles.Contains(role);

    /// <summary>Whether the caller may see <paramref name="institution"/>'s figures (ids compare exactly, as the data's do).</summary>
    public bool Sees(string institution) =>
        Has(Role.FinanceAdmin) || Has(Role.FinanceReader) || (Has(Role.InstitutionReader) && Institutions.Contains(institution));

    /// <summary>How the audit trail names the caller: its name and roles.</summary>
    public override string ToString() =>
        Roles.Count == 0 ? $"{Name} (no role)" : $"{Name} ({string.Join(", ", Roles.Order().Select(RoleNames.Of))})";
}
