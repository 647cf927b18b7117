using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// What one rollup run did. Hours and months count only the units that completed. <see cref="JobsChanged"/> counts the
/// job runs whose billed usage changed, each once however many of the run's job hours were folded.
/// </summary>
public sealed record RollupResult(int JobHoursRead, int JobsChanged, int HoursRecomputed, int MonthsRecomputed, int MarksKeptForNextRun)
{
    /// <summary>Units that failed this run; each kept its mark and is retried by the next run.</summary>
    public IReadOnlyList<UnitFailure> Failures { get; init; } = [];

    /// <summary>
    /// The queued units of the hours this run planned or found under way: one per shard of an hour's GPU samples (0
    /// where the rollup reads each hour in its own process).
    /// </summary>
    public int HourUnits { get; init; }

    /// <summary>Failed job hours and usage hours (months are reported separately).</summary>
    public int FailedHours => Failures.Count(f => f.Kind != Metrics.Core.Work.MarkKind.Month);

    public int FailedMonths => Failures.Count(f => f.Kind == Metrics.Core.Work.MarkKind.Month);

    /// <summary>Records compare by their counts and failures' content, not by list identity.</summary>
    public bool Equals(RollupResult? other) =>
        other is not null
        && (JobHoursRead, JobsChanged, HoursRecomputed, MonthsRecomputed, MarksKeptForNextRun)
            == (other.JobHoursRead, other.JobsChanged, other.HoursRecomputed, other.MonthsRecomputed, other.MarksKeptForNextRun)
        && Failures.SequenceEqual(other.Failures);

    public override int GetHashCode() =>
        HashCode.Combine(JobHoursRead, JobsChanged, HoursRecomputed, MonthsRecomputed, MarksKeptForNextRun, Failures.Count);
}
