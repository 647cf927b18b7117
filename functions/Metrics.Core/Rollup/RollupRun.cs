namespace Metrics.Core.Rollup;

/// <summary>What the last rollup run did, and when it finished (UTC).</summary>
public sealed record RollupRun(
    DateTimeOffset FinishedAt,
    int JobHoursRead,
    int HoursRecomputed,
    int MonthsRecomputed,
    int MarksKept,
    int FailedHours,
    int FailedMonths,
    string? FirstFailure
)
{
    public bool Succeeded => FailedHours == 0 && FailedMonths == 0;
}
