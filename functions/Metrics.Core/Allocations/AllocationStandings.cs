using Metrics.Core.Ports;
using Metrics.Core.Pricing;
using Metrics.Core.Usage;

namespace Metrics.Core.Allocations;

/// <summary>
/// Every allocation (or one institution's) as it stands now: used from the billing tables
/// (<see cref="AllocationUsageReader"/>), forecast and status (<see cref="AllocationForecast"/>). The one implementation
/// behind <c>metrics allocations list</c>, <c>GET /api/allocations</c>, the pages and the rollup's threshold watch.
/// </summary>
public sealed class AllocationStandings(
    IAllocationStore allocations,
    IUsageStore usage,
    IRateCardStore rates,
    IAllocationEventLog events,
    BillingCalendar calendar,
    TimeProvider timeProvider
)
{
    /// <summary>
    /// Days after its period's end that an allocation is still watched for thresholds: late data reaches a day for about
    /// two months (ingest's age limits are 14 days for an event and 31 for a job run).
    /// </summary>
    public const int WatchedDaysAfterEnd = 62;

    /// <summary>The standings, sorted by institution then id.</summary>
    public async Task<IReadOnlyList<AllocationStanding>> ListAsync(string? institution, CancellationToken cancellationToken)
    {
        IReadOnlyList<Allocation> all = await allocations.ListAsync(institution, cancellationToken).ConfigureAwait(false);
        AllocationUsageReader reader = await ReaderAsync(all, institution is null, cancellationToken).ConfigureAwait(false);
        return await MeasureAsync(all, reader, known: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How <paramref name="allocation"/> stands now, imported or not (a grant being weighed).</summary>
    public async Task<AllocationStanding> MeasureAsync(Allocation allocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        AllocationUsageReader reader = await ReaderAsync([allocation], everyInstitution: false, cancellationToken).ConfigureAwait(false);
        return (await MeasureAsync([allocation], reader, known: null, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The standings of the allocations the threshold watch looks at: begun, and not long over.</summary>
    public Task<IReadOnlyList<AllocationStanding>> WatchedAsync(CancellationToken cancellationToken) =>
        WatchedAsync(known: null, cancellationToken);

    /// <summary>The same, given the threshold events already read by the caller (the watch reads them once a pass).</summary>
    public async Task<IReadOnlyList<AllocationStanding>> WatchedAsync(
        IReadOnlyList<AllocationEvent>? known,
        CancellationToken cancellationToken
    )
    {
        DateOnly today = calendar.DayOf(timeProvider.GetUtcNow());
        IReadOnlyList<Allocation> all = await allocations.ListAsync(null, cancellationToken).ConfigureAwait(false);
        Allocation[] watched = all.Where(a => a.From <= today && a.To.AddDays(WatchedDaysAfterEnd) >= today).ToArray();
        AllocationUsageReader reader = await ReaderAsync(watched, everyInstitution: true, cancellationToken).ConfigureAwait(false);
        return await MeasureAsync(watched, reader, known, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The burn-downs of the institution's allocations whose period meets the month: each day of the period so far, and
    /// where it stands now. What its statement page charts.
    /// </summary>
    public async Task<IReadOnlyList<AllocationBurnDown>> BurnDownsAsync(
        string institution,
        BillingMonth month,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<Allocation> all = await allocations.ListAsync(institution, cancellationToken).ConfigureAwait(false);
        AllocationUsageReader reader = await ReaderAsync(all, everyInstitution: false, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<AllocationStanding> standings = await MeasureAsync(all, reader, known: null, cancellationToken).ConfigureAwait(false);
        DateOnly today = calendar.DayOf(timeProvider.GetUtcNow());
        var burnDowns = new List<AllocationBurnDown>();
        foreach (AllocationStanding s in standings.Where(s => s.Allocation.From <= month.LastDay && s.Allocation.To >= month.FirstDay))
        {
            DateOnly last = today < s.Allocation.To ? today : s.Allocation.To;
            burnDowns.Add(new AllocationBurnDown(s, await reader.ByDayAsync(s.Allocation, last, cancellationToken).ConfigureAwait(false)));
        }

        return burnDowns;
    }

    /// <summary>One pass's reader, priced with today's rate card, keeping only the rows of these allocations' institutions.</summary>
    private async Task<AllocationUsageReader> ReaderAsync(
        IReadOnlyList<Allocation> list,
        bool everyInstitution,
        CancellationToken cancellationToken
    ) =>
        new(usage, await rates.ReadAsync(cancellationToken).ConfigureAwait(false), calendar, everyInstitution)
        {
            Institutions = list.Select(a => a.Institution).ToHashSet(StringComparer.Ordinal),
        };

    /// <summary>
    /// The standings of <paramref name="list"/>; an exhausted one runs out on the day its 100 % event was recorded, from
    /// <paramref name="known"/> (the events, read here when null).
    /// </summary>
    private async Task<IReadOnlyList<AllocationStanding>> MeasureAsync(
        IReadOnlyList<Allocation> list,
        AllocationUsageReader reader,
        IReadOnlyList<AllocationEvent>? known,
        CancellationToken cancellationToken
    )
    {
        if (list.Count == 0)
        {
            return [];
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        known ??= await events.ListAsync(null, cancellationToken).ConfigureAwait(false);
        Dictionary<string, DateOnly> exhaustedOn = known
            .Where(e => e.Basis == AllocationEvent.Actual && e.ThresholdPct == 100)
            .ToDictionary(e => e.AllocationId, e => calendar.DayOf(e.CrossedAt), StringComparer.Ordinal);
        var standings = new List<AllocationStanding>(list.Count);
        foreach (
            Allocation allocation in list.OrderBy(a => a.Institution, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal)
        )
        {
            (decimal used, decimal window) = await reader.MeasureAsync(allocation, now, cancellationToken).ConfigureAwait(false);
            standings.Add(
                AllocationForecast.Project(
                    allocation,
                    now,
                    AllocationForecast.Round(used, allocation),
                    window,
                    calendar,
                    exhaustedOn.TryGetValue(allocation.Id, out DateOnly day) ? day : calendar.DayOf(now)
                )
            );
        }

        return standings;
    }
}
