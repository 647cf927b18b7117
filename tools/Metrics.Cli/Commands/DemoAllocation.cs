namespace Metrics.Cli.Commands;

/// <summary>
/// The demo's allocation: the open month's biggest user is granted GPU-hours for that month and the next, seen as of the
/// end of the simulated window, when its burn is the window's. The amount is four fifths of where that burn takes it, so
/// the allocation is at risk, and the threshold watch puts its forecast event on the queue.
/// </summary>
internal static class DemoAllocation
{
    public static async Task<DemoAllocationResult> RunAsync(
        StorageClients storage,
        BillingCalendar calendar,
        UsageReport open,
        DateTimeOffset asOf,
        CancellationToken cancellationToken
    )
    {
        UsageLine top =
            open.Lines.Where(l => l.Type == UsageLineType.Usage).MaxBy(l => l.Usage.Seconds.Gpu)
            ?? throw new CliFailure($"the demo's open month {open.Month} has no usage to grant an allocation against");
        string institution = top.Usage.Institution;
        var time = new FixedTime(asOf);
        var probe = new Allocation(
            $"demo-{institution}-{open.Month}-{Guid.NewGuid():N}"[..40],
            institution,
            null,
            Allocation.GpuHours,
            1m,
            open.Month.FirstDay,
            open.Month.Next().LastDay
        );
        AllocationStandings standings = BillingStorage.CreateAllocationStandings(storage, calendar, time);
        AllocationStanding measured = await standings.MeasureAsync(probe, cancellationToken).ConfigureAwait(false);
        // Four fifths of where the burn leads, in hundreds of hours: a grant the institution is on course to overrun.
        decimal amount = Math.Round(measured.Forecast * 0.8m / 100m, 0) * 100m;
        Allocation allocation = probe with { Amount = amount > measured.Used ? amount : Math.Ceiling(measured.Used) + 1m };
        await new TableAllocationStore(storage.Tables).ImportAsync([allocation], cancellationToken).ConfigureAwait(false);

        await BillingStorage.CreateAllocationWatch(storage, calendar, time).RunAsync(cancellationToken).ConfigureAwait(false);
        AllocationStanding standing = await standings.MeasureAsync(allocation, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<AllocationEvent> events = (
            await new TableAllocationEventLog(storage.Tables).ListAsync(null, cancellationToken).ConfigureAwait(false)
        )
            .Where(e => e.AllocationId == allocation.Id)
            .ToArray();
        return new DemoAllocationResult(standing, events);
    }

    /// <summary>The demo's allocation step's clock: the end of the simulated window.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>The demo's allocation as it stood, and the threshold events it emitted.</summary>
internal sealed record DemoAllocationResult(AllocationStanding Standing, IReadOnlyList<AllocationEvent> Events)
{
    /// <summary>The demo's line for it.</summary>
    public string Line()
    {
        AllocationStanding s = Standing;
        Allocation a = s.Allocation;
        string queued = string.Join(", ", Events.Select(e => $"{e.ThresholdPct} % {e.Basis}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"allocation: {a.Id} grants {a.Institution} {a.Amount:F0} GPU-hours for {a.From:yyyy-MM-dd} to {a.To:yyyy-MM-dd}; as of "
                + $"{s.AsOf:yyyy-MM-dd HH:mm}Z used {s.Used:F4} ({s.UsedPct:F1} %), forecast {s.Forecast:F4} ({s.ForecastPct:F1} %) at "
                + $"{s.BurnPerDay:F1} h a day, runs out on {s.RunsOutOn:yyyy-MM-dd}: {s.Status}; queued on allocation-events: {queued}"
        );
    }
}
