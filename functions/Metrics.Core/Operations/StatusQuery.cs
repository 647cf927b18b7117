using Metrics.Core.Catalogue;

namespace Metrics.Core.Operations;

/// <summary>Gathers <see cref="PipelineStatus"/> from the stores: a few listings, nothing proportional to the data.</summary>
public sealed class StatusQuery(
    IRollupMarks marks,
    IRollupRuns runs,
    IDeadLetterCounts deadLetters,
    IStatementStore statements,
    ILandedHours landed,
    Billing.BillingCalendar calendar,
    TimeProvider time
)
{
    /// <summary>Where unknown GPU model names were recorded; null: not shown.</summary>
    public IUnknownModelLog? UnknownModels { get; init; }

    /// <summary>The catalogue now: a name it has learnt since it landed is no longer reported unknown.</summary>
    public IGpuModelStore? Catalogue { get; init; }

    public async Task<PipelineStatus> GetAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var pending = new Dictionary<MarkKind, PendingMarks>();
        foreach (MarkKind kind in Enum.GetValues<MarkKind>())
        {
            IReadOnlyList<RollupMark> listed = await marks.ListAsync(kind, cancellationToken).ConfigureAwait(false);
            pending[kind] = new PendingMarks(listed.Count, listed.Select(m => m.MarkedAt).Min());
        }

        RollupRun? last = await runs.LastAsync(cancellationToken).ConfigureAwait(false);
        var closed = new List<Billing.BillingMonth>();
        await foreach (Billing.BillingMonth month in statements.ListClosedAsync(cancellationToken).ConfigureAwait(false))
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

        return new PipelineStatus(now, pending, last, closed, calendar.MonthOf(now))
        {
            DeadLettersByReason = byReason,
            NewestLandedHour = newest,
            UnknownModels = unknown,
        };
    }
}
