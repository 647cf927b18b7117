namespace Metrics.Core.Billing;

/// <summary>What one rollup run did.</summary>
public sealed record RollupResult(int JobHoursRead, int JobsChanged, int HoursRecomputed, int MonthsRecomputed, int MarksKeptForNextRun);
