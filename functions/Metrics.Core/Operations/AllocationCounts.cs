namespace Metrics.Core.Operations;

/// <summary>How many of the watched allocations (begun, and not long over) are at risk and exhausted: counts, no money.</summary>
public sealed record AllocationCounts(int Watched, int AtRisk, int Exhausted);
