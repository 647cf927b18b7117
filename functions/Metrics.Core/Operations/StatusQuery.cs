using Metrics.Contract;
using Metrics.Core.Catalogue;
using Metrics.Core.Ledger;
using Metrics.Core.Ports;
using Metrics.Core.Rollup;
using Metrics.Core.Work;

namespace Metrics.Core.Operations;

/// <summary>Gathers <see cref="PipelineStatus"/> from the stores: a few listings, nothing proportional to the data.</summary>
public sealed class StatusQuery(
    IWorkMarks marks,
    IRollupRuns runs,
    IDeadLetterCounts deadLetters,
    IStatementStore statements,
    ILandedHours landed,
    Usage.BillingCalendar calendar,
    TimeProvider time
)
{
    /// <summary>Where unknown GPU model names were recorded; null: not shown.</summary>
    public IUnknownModelLog? UnknownModels { get; init; }

    /// <summary>The catalogue now: a name it has learnt since it landed is no longer reported unknown.</summary>
    public IGpuModelStore? Catalogue { get; init; }

    /// <summary>Where months with usage are found, for the overdue months; null: not shown.</summary>
    public IUsageStore? Usage { get; init; }

    /// <summary>Where queued units' failures are recorded; none are listed when null.</summary>
    public IUnitFailures? UnitFailures { get; init; }

    /// <summary>Where the allocations are counted from; none are counted when null.</summary>
    public Allocations.AllocationStandings? Allocations { get; init; }

    /// <summary>How long after its end a month is due to close (the month-close timer's grace).</summary>
    public TimeSpan CloseGrace { get; init; } = MonthClose.DefaultGrace;

    /// <summary>At most this many overdue months are listed (each costs one query); more means the close has long stopped.</summary>
    public const int MaxOverdueListed = 24;

    public async Task<PipelineStatus> GetAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var pending = new Dictionary<MarkKind, PendingMarks>();
        foreach (MarkKind kind in Enum.GetValues<MarkKind>())
        {
            IReadOnlyList<WorkMark> listed = await marks.ListAsync(kind, cancellationToken).ConfigureAwait(false);
            pending[kind] = new PendingMarks(listed.Count, listed.Select(m => m.MarkedAt).Min());
        }

        RollupRun? last = await runs.LastAsync(cancellationToken).ConfigureAwait(false);
        var closed = new List<Usage.BillingMonth>();
        await foreach (Usage.BillingMonth month in statements.ListClosedAsync(cancellationToken).ConfigureAwait(false))
        {
            closed.Add(month);
        }

        IReadOnlyDictionary<(TelemetryStream, string), long> byReason = await deadLetters
            .CountByReasonAsync(now.AddHours(-24), now, cancellationToken)
            .ConfigureAwait(false);
        var newest = new Dictionary<TelemetryStream, DateTimeOffset?>();
        foreach (TelemetryStream stream in Enum.GetValues<TelemetryStream>())
        {
            newest[stream] = await landed.NewestAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<UnknownModelSighting> unknown = [];
        if (UnknownModels is not null)
        {
            GpuModelCatalogue catalogue = Catalogue is null
                ? GpuModelCatalogue.Empty
                : await Catalogue.ReadAsync(cancellationToken).ConfigureAwait(false);
            unknown = (await UnknownModels.ReadAsync(cancellationToken).ConfigureAwait(false))
                .Where(s => !catalogue.Knows(s.Name))
                .OrderBy(s => s.Stream)
                .ThenBy(s => s.Name, StringComparer.Ordinal)
                .ToArray();
        }

        IReadOnlyList<OverdueMonth> overdue = Usage is null
            ? []
            : await OverdueAsync(Usage, closed, now, cancellationToken).ConfigureAwait(false);

        return new PipelineStatus(now, pending, last, closed, calendar.MonthOf(now))
        {
            Allocations = await CountAllocationsAsync(cancellationToken).ConfigureAwait(false),
            FailedUnits = UnitFailures is null ? [] : await UnitFailures.ListAsync(cancellationToken).ConfigureAwait(false),
            OverdueMonths = overdue,
            DeadLettersByReason = byReason,
            NewestLandedHour = newest,
            UnknownModels = unknown,
        };
    }

    private async Task<AllocationCounts?> CountAllocationsAsync(CancellationToken cancellationToken)
    {
        if (Allocations is null)
        {
            return null;
        }

        IReadOnlyList<Allocations.AllocationStanding> watched = await Allocations.WatchedAsync(cancellationToken).ConfigureAwait(false);
        return new AllocationCounts(
            watched.Count,
            watched.Count(s => s.Status == Metrics.Core.Allocations.AllocationStatus.AtRisk),
            watched.Count(s => s.Status == Metrics.Core.Allocations.AllocationStatus.Exhausted)
        );
    }

    /// <summary>
    /// The months with usage, after the latest closed one, whose close is due (ended at least <see cref="CloseGrace"/>
    /// ago) and that are still open, each with why its last close was refused.
    /// </summary>
    private async Task<IReadOnlyList<OverdueMonth>> OverdueAsync(
        IUsageStore usage,
        IReadOnlyList<Usage.BillingMonth> closed,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        Usage.BillingMonth due = MonthClose.DueMonth(calendar, now, CloseGrace);
        Usage.BillingMonth? after = closed.Where(m => m.CompareTo(due) <= 0).Select(m => (Usage.BillingMonth?)m).Max();
        var overdue = new List<OverdueMonth>();
        while (overdue.Count < MaxOverdueListed)
        {
            if (await usage.EarliestMonthWithUsageAsync(after, due.Next(), cancellationToken).ConfigureAwait(false) is not { } month)
            {
                break;
            }

            overdue.Add(new OverdueMonth(month, await statements.ReadRefusalAsync(month, cancellationToken).ConfigureAwait(false)));
            after = month;
        }

        return overdue;
    }
}
