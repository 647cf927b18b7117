namespace Metrics.Core.Allocations;

/// <summary>
/// After each rollup: measures the watched allocations and emits each threshold they have crossed, once for ever.
/// An event is recorded first (a conditional insert under its id, so reruns, retries, recomputes and two passes at once
/// record it once), then put on the queue, then marked sent; a pass that stops between the two leaves it unsent, and the
/// next pass sends it. The queue is therefore at-least-once in that one case, and a consumer deduplicates on
/// <c>event_id</c>. Use that falls back below a line (late corrections) never emits that line again.
/// </summary>
public sealed class AllocationWatch(
    AllocationStandings standings,
    IAllocationEventLog log,
    IAllocationEventQueue queue,
    TimeProvider timeProvider
)
{
    /// <summary>Where the pass records how many watched allocations are in each status (the alert on exhausted ones reads it).</summary>
    public Observability.PipelineMetrics Metrics { get; init; } = Observability.PipelineMetrics.Shared;

    public async Task<AllocationWatchResult> RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<AllocationEvent> known = await log.ListAsync(null, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<AllocationStanding> watched = await standings.WatchedAsync(known, cancellationToken).ConfigureAwait(false);
        var recorded = known.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var toSend = known.Where(e => e.SentAt is null).ToList();
        int crossed = 0;
        foreach (AllocationEvent e in watched.SelectMany(AllocationEvent.Crossed).Where(e => !recorded.Contains(e.Id)))
        {
            if (await log.RecordAsync(e, cancellationToken).ConfigureAwait(false))
            {
                crossed++;
                toSend.Add(e);
            }
        }

        foreach (AllocationEvent e in toSend)
        {
            await queue.SendAsync(e, cancellationToken).ConfigureAwait(false);
            await log.MarkSentAsync(e, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        var result = new AllocationWatchResult(
            watched.Count,
            crossed,
            toSend.Count,
            watched.Count(s => s.Status == AllocationStatus.AtRisk),
            watched.Count(s => s.Status == AllocationStatus.Exhausted)
        );
        Metrics.Allocations(AllocationStatus.Ok, result.Watched - result.AtRisk - result.Exhausted);
        Metrics.Allocations(AllocationStatus.AtRisk, result.AtRisk);
        Metrics.Allocations(AllocationStatus.Exhausted, result.Exhausted);
        return result;
    }
}
