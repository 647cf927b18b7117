using Metrics.Contract;
using Metrics.Core.Rollup;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Operations;

/// <summary>
/// The pipeline as an operator sees it, from storage alone: the rollup's pending work by kind, its last run, the events
/// dead-lettered lately, and the months closed. <see cref="Staleness"/> says whether billing has fallen behind.
/// </summary>
public sealed record PipelineStatus(
    DateTimeOffset At,
    IReadOnlyDictionary<MarkKind, PendingMarks> Marks,
    RollupRun? LastRollup,
    IReadOnlyList<BillingMonth> ClosedMonths,
    BillingMonth CurrentMonth
)
{
    /// <summary>Dead letters of the 24 hours before <see cref="At"/>, per stream and rejection code.</summary>
    public IReadOnlyDictionary<(TelemetryStream Stream, string Reason), long> DeadLettersByReason { get; init; } =
        new Dictionary<(TelemetryStream, string), long>();

    /// <summary>Per stream, the newest UTC hour with landed files (null: none): is telemetry arriving?</summary>
    public IReadOnlyDictionary<TelemetryStream, DateTimeOffset?> NewestLandedHour { get; init; } =
        new Dictionary<TelemetryStream, DateTimeOffset?>();

    /// <summary>
    /// GPU model names that landed without a catalogue entry and that the catalogue still does not know: each is a usage
    /// line under its own name, likely unpriced, until the catalogue names it.
    /// </summary>
    public IReadOnlyList<Catalogue.UnknownModelSighting> UnknownModels { get; init; } = [];

    /// <summary>Queued units whose last attempt failed, poisoned ones included, oldest first.</summary>
    public IReadOnlyList<FailedUnit> FailedUnits { get; init; } = [];

    /// <summary>The watched allocations at risk and exhausted; null where the status is not given the allocations.</summary>
    public AllocationCounts? Allocations { get; init; }

    /// <summary>Months with usage past their close grace that are still open: each is a bill not sent.</summary>
    public IReadOnlyList<OverdueMonth> OverdueMonths { get; init; } = [];

    /// <summary>The months still open: those after the latest closed one, up to the current month.</summary>
    public string OpenMonths
    {
        get
        {
            if (ClosedMonths.Count == 0)
            {
                return $"every month up to {CurrentMonth}";
            }

            BillingMonth first = ClosedMonths[^1].Next();
            int order = first.CompareTo(CurrentMonth);
            return order < 0 ? $"{first} to {CurrentMonth}"
                : order == 0 ? CurrentMonth.ToString()
                : "none";
        }
    }

    /// <summary>The kinds that stand between landed data and finance's figures (compaction's marks do not).</summary>
    public static IReadOnlyList<MarkKind> BillingKinds { get; } =
    [MarkKind.Gpu, MarkKind.Jobs, MarkKind.Usage, MarkKind.Day, MarkKind.Month];

    /// <summary>
    /// How long the oldest pending billing work has waited since its mark was last set: what finance's figures may lack.
    /// A rollup that fails a unit keeps its mark, so a failing rollup shows here as well as a stopped one. Null when
    /// nothing is pending.
    /// </summary>
    public TimeSpan? BillingLag =>
        BillingKinds.Select(k => Marks.TryGetValue(k, out PendingMarks? p) ? p.OldestMarkedAt : null).Min() is { } oldest
            ? At - oldest
            : null;

    /// <summary>Why billing is stale against <paramref name="maxLag"/>, or null when it is fresh.</summary>
    public string? Staleness(TimeSpan maxLag) =>
        BillingLag is { } lag && lag > maxLag
            ? $"billing work has waited {Minutes(lag)} min (limit {Minutes(maxLag)} min): the rollup is not keeping up, failing or not "
                + $"running"
            : null;

    private static string Minutes(TimeSpan t) =>
        ((long)Math.Floor(t.TotalMinutes)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
