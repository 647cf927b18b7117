namespace Metrics.Core.Access;

/// <summary>
/// What a signed-in caller may do, from the app roles of its Entra app registration (docs/security.md). A caller may
/// hold several; none means it may do nothing.
/// </summary>
public enum Role
{
    /// <summary>Closes months, imports vouchers and rates, reads the audit trail, and reads everything finance reads.</summary>
    FinanceAdmin,

    /// <summary>Reads every institution's usage, statements, FOCUS export and vouchers; changes nothing.</summary>
    FinanceReader,

    /// <summary>Reads the usage, statements and vouchers of the institutions its claims name, and nothing else.</summary>
    InstitutionReader,

    /// <summary>Reads the pipeline's status (<c>GET /api/status</c>) and nothing of the money.</summary>
    Operator,
}
