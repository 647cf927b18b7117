namespace Metrics.Core.Tests.Rollup;

/// <summary>Allocation-based GPU-hours from job events: proration, fractions, open jobs, late ends, duplicates.</summary>
public sealed class JobBillingTests
{
    private static readonly BillingCalendar s_calendar = BillingCalendar.Create("Asia/Shanghai");

    private static DateTimeOffset T(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static JobEvent Event(
        JobState state,
        string ts,
        string start,
        string? end = null,
        double gpus = 2,
        int cpus = 16,
        string id = "j1"
    ) =>
        new()
        {
            EventId = $"c1:{id}:{state}:{ts}",
            Cluster = "c1",
            JobId = id,
            State = state,
            Ts = T(ts),
            Institution = "inst-1",
            StartTime = T(start),
            EndTime = end is null ? null : T(end),
            Gpus = gpus,
            GpuModel = "H100",
            Cpus = cpus,
        };

    private static JobBillingState Fold(params JobEvent[] events) =>
        events.Skip(1).Aggregate(JobBillingState.From(events[0]), (s, e) => s.Merge(e));

    /// <summary>A job started at 08:00Z and last heard from at <paramref name="heartbeat"/>, then ended by a late event.</summary>
    private static (JobBillingState Ended, IReadOnlyList<(DateTimeOffset Period, JobUsage? Usage)> Changes) EndLate(
        string heartbeat,
        string endSentAt,
        string end
    )
    {
        JobBillingState open = Fold(
            Event(JobState.Started, "2026-11-27T08:00:00Z", "2026-11-27T08:00:00Z"),
            Event(JobState.Running, heartbeat, "2026-11-27T08:00:00Z")
        );
        JobBillingState ended = open.Merge(Event(JobState.Ended, endSentAt, "2026-11-27T08:00:00Z", end));
        return (ended, JobContributions.Changes(JobContributions.ByHour(open), JobContributions.ByHour(ended)));
    }

    [Fact]
    public void ByHour_JobAcrossHourBoundaries_IsProratedPerHour()
    {
        JobBillingState job = Fold(Event(JobState.Ended, "2026-11-27T10:15:00Z", "2026-11-27T08:30:00Z", "2026-11-27T10:15:00Z"));

        var hours = JobContributions.ByHour(job);

        Assert.Equal([T("2026-11-27T08:00:00Z"), T("2026-11-27T09:00:00Z"), T("2026-11-27T10:00:00Z")], hours.Keys);
        Assert.Equal([3600m, 7200m, 1800m], hours.Values.Select(u => u.GpuSeconds));
        Assert.Equal([28800m, 57600m, 14400m], hours.Values.Select(u => u.CpuCoreSeconds));
    }

    [Fact]
    public void ByHour_JobAcrossUtcMidnight_SplitsBetweenTheTwoDays()
    {
        JobBillingState job = Fold(Event(JobState.Ended, "2026-11-28T00:20:00Z", "2026-11-27T23:50:00Z", "2026-11-28T00:20:00Z", gpus: 6));

        var hours = JobContributions.ByHour(job);

        Assert.Equal(3600m, hours[T("2026-11-27T23:00:00Z")].GpuSeconds);
        Assert.Equal(7200m, hours[T("2026-11-28T00:00:00Z")].GpuSeconds);
    }

    [Fact]
    public void ByMonth_JobAcrossTheShanghaiMonthBoundary_SplitsAtSixteenHundredUtc()
    {
        // 15:00Z-17:00Z on 30 November is 23:00-01:00 in Shanghai: one hour in November, one in December.
        JobBillingState job = Fold(Event(JobState.Ended, "2026-11-30T17:00:00Z", "2026-11-30T15:00:00Z", "2026-11-30T17:00:00Z", gpus: 8));

        var months = JobContributions.ByMonth(job, s_calendar);

        Assert.Equal(8m * 3600, months[new BillingMonth(2026, 11)].GpuSeconds);
        Assert.Equal(8m * 3600, months[new BillingMonth(2026, 12)].GpuSeconds);
        Assert.Equal(2, months.Count);
    }

    [Fact]
    public void ByHour_FractionalMigGpus_BillAsFractions()
    {
        JobBillingState job = Fold(
            Event(JobState.Ended, "2026-11-27T15:00:00Z", "2026-11-27T08:00:00Z", "2026-11-27T15:00:00Z", gpus: 1.0 / 7, cpus: 0)
        );

        decimal total = JobContributions.ByHour(job).Values.Sum(u => u.GpuSeconds);

        Assert.Equal(1.0000m, UsageLine.ReportedHours(total));
        Assert.Equal(0.1429m, UsageLine.ReportedHours(JobContributions.ByHour(job)[T("2026-11-27T08:00:00Z")].GpuSeconds));
    }

    [Fact]
    public void BilledEnd_JobWithoutEndEvent_IsItsLatestHeartbeat()
    {
        JobBillingState job = Fold(
            Event(JobState.Started, "2026-11-27T08:00:00Z", "2026-11-27T08:00:00Z"),
            Event(JobState.Running, "2026-11-27T09:30:00Z", "2026-11-27T08:00:00Z"),
            Event(JobState.Running, "2026-11-27T09:00:00Z", "2026-11-27T08:00:00Z")
        );

        Assert.Null(job.EndTime);
        Assert.Equal(T("2026-11-27T09:30:00Z"), job.BilledEnd);
        Assert.Equal(3m * 3600, JobContributions.ByHour(job).Values.Sum(u => u.GpuSeconds));
    }

    [Fact]
    public void Merge_LateEndEvent_AddsTheRemainderAndChangesOnlyTheHoursItReaches()
    {
        var (ended, changes) = EndLate("2026-11-27T09:30:00Z", endSentAt: "2026-11-27T12:00:00Z", end: "2026-11-27T11:45:00Z");

        Assert.Equal(T("2026-11-27T11:45:00Z"), ended.BilledEnd);
        Assert.Equal(7.5m * 3600, JobContributions.ByHour(ended).Values.Sum(u => u.GpuSeconds));
        Assert.Equal(
            [T("2026-11-27T09:00:00Z"), T("2026-11-27T10:00:00Z"), T("2026-11-27T11:00:00Z")],
            changes.Select(c => c.Period).Order()
        );
        Assert.All(changes, c => Assert.NotNull(c.Usage));
    }

    [Fact]
    public void Merge_EndBeforeTheLastHeartbeat_TrimsAndRemovesTheHoursNoLongerBilled()
    {
        var (_, changes) = EndLate("2026-11-27T10:10:00Z", endSentAt: "2026-11-27T10:11:00Z", end: "2026-11-27T09:30:00Z");

        Assert.Contains(changes, c => c.Period == T("2026-11-27T10:00:00Z") && c.Usage is null);
        Assert.Contains(changes, c => c.Period == T("2026-11-27T09:00:00Z") && c.Usage!.GpuSeconds == 3600m);
    }

    [Fact]
    public void Merge_DuplicatesAndAnyOrder_GiveTheSameState()
    {
        JobEvent started = Event(JobState.Started, "2026-11-27T08:00:00Z", "2026-11-27T08:00:00Z");
        JobEvent running = Event(JobState.Running, "2026-11-27T09:00:00Z", "2026-11-27T08:00:00Z");
        JobEvent ended = Event(JobState.Ended, "2026-11-27T10:00:00Z", "2026-11-27T08:00:00Z", "2026-11-27T10:00:00Z");

        JobBillingState once = Fold(started, running, ended);

        Assert.Equal(once, Fold(ended, running, started));
        Assert.Equal(once, Fold(running, ended, started, ended, running, started));
        Assert.Equal(once, once.Merge(ended).Merge(started));
    }

    [Fact]
    public void Changes_IdenticalStates_AreEmpty()
    {
        JobBillingState job = Fold(Event(JobState.Running, "2026-11-27T09:00:00Z", "2026-11-27T08:00:00Z"));

        Assert.Empty(
            JobContributions.Changes(
                JobContributions.ByHour(job),
                JobContributions.ByHour(job.Merge(Event(JobState.Running, "2026-11-27T09:00:00Z", "2026-11-27T08:00:00Z")))
            )
        );
    }
}
