namespace Metrics.Core.Allocations;

/// <summary>What one pass of the threshold watch did.</summary>
/// <param name="Watched">Allocations measured.</param>
/// <param name="Crossed">Events recorded by this pass (each for ever once).</param>
/// <param name="Sent">Events put on the queue by this pass: those crossed now and any an earlier pass recorded but could not send.</param>
public sealed record AllocationWatchResult(int Watched, int Crossed, int Sent, int AtRisk, int Exhausted);
