namespace Metrics.Core.Tests.Rollup;

/// <summary>Active and observed GPU-hours from samples, and job lines, for one UTC hour.</summary>
public sealed class HourlyAggregatorTests
{
    private static readonly DateTimeOffset s_hour = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static GpuSampleRow Sample(
        string ts,
        double util = 50,
        int interval = 60,
        string uuid = "GPU-a",
        string? institution = "inst-1",
        string partition = "0",
        long sequence = 1
    ) =>
        new(
            DateTimeOffset.Parse(ts, System.Globalization.CultureInfo.InvariantCulture),
            uuid,
            "H100",
            institution,
            util,
            interval,
            partition,
            sequence
        );

    [Fact]
    public void Compute_SampleInsideTheHour_CountsItsWholeInterval()
    {
        HourlyUsage line = Assert.Single(HourFromSamples.Compute(s_hour, [], [Sample("2026-11-27T09:30:00Z", util: 75, interval: 360)]));

        Assert.Equal(360m, line.Seconds.ObservedGpu);
        Assert.Equal(270m, line.Seconds.ActiveGpu);
    }

    [Fact]
    public void Compute_SamplesGoToTheAccountOfTheirJob_OrToTheEmptyAccount()
    {
        // Job 7 of inst-1 on cluster c1 is charged to proj-a, and its requeued later run to proj-b: the latest run counts.
        // Job 8 is another institution's, job 9 has no events yet: their samples stay under the empty account.
        JobUsage[] jobs =
        [
            new("c1", "7", s_hour.AddHours(-3), "inst-1", "H100", TimeSpan.FromHours(1), 3600m, 0m, "proj-old"),
            new("c1", "7", s_hour.AddMinutes(-10), "inst-1", "H100", TimeSpan.FromHours(1), 3600m, 0m, "proj-a"),
            new("c1", "8", s_hour, "inst-2", "H100", TimeSpan.FromHours(1), 3600m, 0m, "proj-z"),
        ];
        GpuSampleRow OnJob(string uuid, string? job) => Sample("2026-11-27T09:30:00Z", uuid: uuid) with { Cluster = "c1", JobId = job };

        IReadOnlyList<HourlyUsage> lines = HourFromSamples.Compute(
            s_hour,
            jobs,
            [OnJob("GPU-a", "7"), OnJob("GPU-b", "8"), OnJob("GPU-c", "9"), OnJob("GPU-d", null)]
        );

        Assert.Equal(
            [
                ("inst-1", string.Empty, 180m, 0m),
                ("inst-1", "proj-a", 60m, 3600m),
                ("inst-1", "proj-old", 0m, 3600m),
                ("inst-2", "proj-z", 0m, 3600m),
            ],
            lines.Select(l => (l.Institution, l.Account, l.Seconds.ObservedGpu, l.Seconds.Gpu)).ToArray()
        );
    }

    [Fact]
    public void Compute_SampleCrossingTheHourStart_IsSplitProportionally()
    {
        // [08:59:30, 09:00:30): 30 s belong to 08:00, 30 s to 09:00.
        GpuSampleRow sample = Sample("2026-11-27T09:00:30Z", util: 100, interval: 60);

        HourlyUsage nine = Assert.Single(HourFromSamples.Compute(s_hour, [], [sample]));
        HourlyUsage eight = Assert.Single(HourFromSamples.Compute(s_hour.AddHours(-1), [], [sample]));

        Assert.Equal(30m, nine.Seconds.ObservedGpu);
        Assert.Equal(30m, eight.Seconds.ObservedGpu);
    }

    [Fact]
    public void Compute_SampleStampedOnTheHour_BelongsToThePreviousHour()
    {
        Assert.Empty(HourFromSamples.Compute(s_hour, [], [Sample("2026-11-27T09:00:00Z")]));
        Assert.Single(HourFromSamples.Compute(s_hour.AddHours(-1), [], [Sample("2026-11-27T09:00:00Z")]));
    }

    [Fact]
    public void Compute_SameGpuAndTsResentWithNewSequenceNumbers_CountsOnce()
    {
        IReadOnlyList<HourlyUsage> lines = HourFromSamples.Compute(
            s_hour,
            [],
            [
                Sample("2026-11-27T09:30:00Z", partition: "2", sequence: 900),
                Sample("2026-11-27T09:30:00Z", partition: "0", sequence: 5),
                Sample("2026-11-27T09:30:00Z", uuid: "GPU-A", partition: "1", sequence: 7),
                Sample("2026-11-27T09:31:00Z"),
            ]
        );

        Assert.Equal(120m, Assert.Single(lines).Seconds.ObservedGpu);
    }

    [Fact]
    public void Compute_IdleSampleWithoutInstitution_IsNotBilledToAnyone()
    {
        Assert.Empty(HourFromSamples.Compute(s_hour, [], [Sample("2026-11-27T09:30:00Z", institution: null)]));
    }

    [Fact]
    public void Compute_JobsAndSamples_MeetOnTheSameLine()
    {
        var job = new JobUsage("c1", "j1", DateTimeOffset.UnixEpoch, "inst-1", "H100", TimeSpan.FromMinutes(30), 4m, 32m);
        var other = new JobUsage("c1", "j2", DateTimeOffset.UnixEpoch, "inst-2", "A100", TimeSpan.FromMinutes(60), 1m, 0m);

        IReadOnlyList<HourlyUsage> lines = HourFromSamples.Compute(s_hour, [other, job], [Sample("2026-11-27T09:30:00Z", util: 40)]);

        Assert.Equal(["inst-1", "inst-2"], lines.Select(l => l.Institution));
        Assert.Equal((1, 4m, 32m), (lines[0].Jobs, lines[0].Seconds.Gpu, lines[0].Seconds.CpuCore));
        Assert.Equal(60m, lines[0].Seconds.ObservedGpu);
        Assert.Equal(24m, lines[0].Seconds.ActiveGpu);
    }

    [Fact]
    public void MonthlyAggregator_CountsDistinctJobsAndSumsHours()
    {
        var month = new BillingMonth(2026, 11);
        HourlyUsage[] hours =
        [
            new(s_hour, "inst-1", "H100", "", 1, new UsageSeconds(2m, 16m, 0.5m, 1m)),
            new(s_hour.AddHours(1), "inst-1", "H100", "", 1, new UsageSeconds(2m, 16m, 0.25m, 1m)),
        ];
        JobUsage[] jobs =
        [
            new("c1", "j1", DateTimeOffset.UnixEpoch, "inst-1", "H100", TimeSpan.FromHours(2), 4m, 32m),
            new("c1", "j9", DateTimeOffset.UnixEpoch, "inst-3", "H100", TimeSpan.Zero, 0m, 0m),
        ];

        MonthlyUsage line = Assert.Single(MonthlyAggregator.Compute(month, hours, jobs));

        Assert.Equal(
            (1, 4m, 0.75m, 2m, 32m),
            (line.Jobs, line.Seconds.Gpu, line.Seconds.ActiveGpu, line.Seconds.ObservedGpu, line.Seconds.CpuCore)
        );
    }
}
