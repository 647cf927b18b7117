namespace Metrics.Core.Operations;

/// <summary>One kind of pending rollup work: how many marks, and when the oldest was last set (null if unknown).</summary>
public sealed record PendingMarks(int Count, DateTimeOffset? OldestMarkedAt);
