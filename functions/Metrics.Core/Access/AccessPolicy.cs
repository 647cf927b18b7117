namespace Metrics.Core.Access;

/// <summary>
/// The one place that decides who may do what (docs/security.md has the table). Finance admins may do everything;
/// finance readers read every institution's money and change nothing; institution readers read only their own
/// institutions' usage, statements and vouchers; operators read the status and nothing of the money.
/// </summary>
public static class AccessPolicy
{
    /// <param name="caller">The signed-in caller; null when there is none.</param>
    /// <param name="action">What is asked.</param>
    /// <param name="institution">The institution the request names, for the actions that take one; null: all of them.</param>
    public static AccessDecision Decide(Caller? caller, AccessAction action, string? institution)
    {
        if (caller is null)
        {
            return AccessDecision.Unauthenticated;
        }

        if (caller.Has(Role.FinanceAdmin))
        {
            return AccessDecision.Allowed;
        }

        return action switch
        {
            AccessAction.ReadUsage or AccessAction.ReadStatement or AccessAction.ReadVouchers or AccessAction.ReadAllocations => ReadMoney(
                caller,
                institution
            ),
            AccessAction.ReadStatus => caller.Has(Role.Operator) ? AccessDecision.Allowed : AccessDecision.Forbidden,
            _ => AccessDecision.Forbidden,
        };
    }

    private static AccessDecision ReadMoney(Caller caller, string? institution)
    {
        if (caller.Has(Role.FinanceReader))
        {
            return AccessDecision.Allowed;
        }

        if (!caller.Has(Role.InstitutionReader))
        {
            return AccessDecision.Forbidden;
        }

        // Every institution at once is finance's view; one the caller may not see looks like one that does not exist.
        return institution is null ? AccessDecision.Forbidden
            : caller.Sees(institution) ? AccessDecision.Allowed
            : AccessDecision.Hidden;
    }
}
