namespace Metrics.Core.Access;

/// <summary>What the authorisation answers a request.</summary>
public enum AccessDecision
{
    /// <summary>Go ahead.</summary>
    Allowed,

    /// <summary>No signed-in caller (HTTP 401).</summary>
    Unauthenticated,

    /// <summary>The caller's roles do not allow the action (HTTP 403). Never says anything about an institution.</summary>
    Forbidden,

    /// <summary>
    /// The caller may not see the institution it named: answer exactly as for an institution that does not exist, so
    /// that no caller learns which ids do.
    /// </summary>
    Hidden,
}
