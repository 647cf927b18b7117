namespace Metrics.Core.Allocations;

/// <summary>
/// An allocation's burn-down for its chart: what the period had used by the end of each day so far (the days' figures
/// unrounded, in the allocation's unit), with its standing (amount, forecast, status) now.
/// </summary>
public sealed record AllocationBurnDown(AllocationStanding Standing, IReadOnlyList<AllocationDay> Days);

/// <summary>One day of a burn-down: the day's use and the period's use to the end of it.</summary>
public readonly record struct AllocationDay(DateOnly Day, decimal Used, decimal UsedToDate);
