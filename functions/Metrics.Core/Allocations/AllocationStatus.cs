namespace Metrics.Core.Allocations;

/// <summary>Where an allocation stands: the words <c>metrics allocations list</c>, the API and the pages print.</summary>
public static class AllocationStatus
{
    /// <summary>Used and forecast are both below the amount.</summary>
    public const string Ok = "ok";

    /// <summary>Not used up yet, but the forecast reaches the amount by the period's end.</summary>
    public const string AtRisk = "at-risk";

    /// <summary>Used has reached the amount.</summary>
    public const string Exhausted = "exhausted";
}
