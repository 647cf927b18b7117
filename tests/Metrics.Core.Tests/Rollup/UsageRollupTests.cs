namespace Metrics.Core.Tests.Rollup;

/// <summary>The rollup's orchestration over in-memory ports: marks, phases, and what happens when ingest runs alongside.</summary>
public sealed class UsageRollupTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryPipeline _pipeline = new();

    private Task IngestGpuAsync(long firstSequence, JsonObject sample) =>
        _pipeline.IngestAtAsync(s_enqueued, TelemetryStream.Gpu, firstSequence, EventJson.Bytes(sample));

    private Task IngestJobAsync(long firstSequence, JsonObject jobEvent) =>
        _pipeline.IngestAtAsync(s_enqueued, TelemetryStream.Jobs, firstSequence, EventJson.Bytes(jobEvent));

    [Fact]
    public async Task RunPending_JobAndSamples_FillHoursAndMonthThenClearEveryMark()
    {
        await IngestJobAsync(0, EventJson.Job(state: "ended", ts: "2026-11-27T10:00:00Z", gpus: 2, cpus: 4));
        await IngestGpuAsync(0, EventJson.Gpu(ts: "2026-11-27T09:30:00Z", gpus: 2, utilPct: 50, intervalS: 60));

        RollupResult result = await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        Assert.Equal(1, result.JobsChanged);
        Assert.Equal(1, result.MonthsRecomputed);
        Assert.Equal(0, result.MarksKeptForNextRun);
        Assert.Empty(_pipeline.Marks.RollupPending);

        // The hours that received files wait for compaction, each in its stream: the sample's hour, the hour the job's
        // event arrived in.
        Assert.Equal(
            [(MarkKind.CompactGpu, "2026112709"), (MarkKind.CompactJobs, "2026112712")],
            _pipeline.Marks.Pending.Keys.Where(k => k.Kind is MarkKind.CompactGpu or MarkKind.CompactJobs).Order().ToArray()
        );
        MonthlyUsage line = Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]);
        Assert.Equal(
            (1, 2m * 2 * 3600, 4m * 2 * 3600, 120m, 60m),
            (line.Jobs, line.Seconds.Gpu, line.Seconds.CpuCore, line.Seconds.ObservedGpu, line.Seconds.ActiveGpu)
        );
    }

    [Fact]
    public async Task RunPending_ARunWithEventsInThreeHours_IsReadOnce_AndBilledWhole()
    {
        // Reported live: each event arrives in the hour of its ts, so the run's events lie in three job hours.
        (string State, string Ts)[] events =
        [
            ("started", "2026-11-27T09:00:00Z"),
            ("running", "2026-11-27T10:30:00Z"),
            ("ended", "2026-11-27T11:00:00Z"),
        ];
        for (int i = 0; i < events.Length; i++)
        {
            await _pipeline.IngestAtAsync(
                DateTimeOffset.Parse(events[i].Ts, System.Globalization.CultureInfo.InvariantCulture).AddSeconds(1),
                TelemetryStream.Jobs,
                i,
                EventJson.Bytes(EventJson.Job(state: events[i].State, ts: events[i].Ts, start: "2026-11-27T09:00:00Z", gpus: 2))
            );
        }

        RollupResult result = await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        Assert.Equal(3, result.JobHoursRead);
        Assert.Equal(1, _pipeline.Jobs.Reads);
        Assert.Equal(1, _pipeline.Jobs.ManyReads);
        Assert.Equal(2m * 2 * 3600, Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]).Seconds.Gpu);
    }

    [Fact]
    public async Task RunPending_RunsOfManyJobHours_AreReadInOneRequestForManyRuns()
    {
        // Three jobs, each reported in its own hour: their runs are read together, once, before any hour is folded.
        for (int job = 0; job < 3; job++)
        {
            string ts = $"2026-11-27T{8 + job:D2}:30:00Z";
            await _pipeline.IngestAtAsync(
                DateTimeOffset.Parse(ts, System.Globalization.CultureInfo.InvariantCulture).AddSeconds(1),
                TelemetryStream.Jobs,
                job,
                EventJson.Bytes(
                    EventJson.Job(jobId: $"{700 + job}", state: "ended", ts: ts, start: $"2026-11-27T{8 + job:D2}:00:00Z", gpus: 1)
                )
            );
        }

        RollupResult result = await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        Assert.Equal((3, 3), (result.JobsChanged, result.JobHoursRead));
        Assert.Equal((1, 3), (_pipeline.Jobs.ManyReads, _pipeline.Jobs.Reads));
        Assert.Equal(3m * 1800, Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]).Seconds.Gpu);
    }

    [Fact]
    public async Task RunPending_AMonthIsTheSumOfItsDays_AndALateSampleRereadsOnlyItsOwnDaysHours()
    {
        // One 60 s sample on each of three billing days (02:00Z is 10:00 in Shanghai, the same date).
        await IngestGpuAsync(0, EventJson.Gpu(node: "gn0001", ts: "2026-11-14T02:00:00Z", gpus: 1, intervalS: 60));
        await IngestGpuAsync(1, EventJson.Gpu(node: "gn0001", ts: "2026-11-20T02:00:00Z", gpus: 1, intervalS: 60));
        await IngestGpuAsync(2, EventJson.Gpu(node: "gn0001", ts: "2026-11-26T02:00:00Z", gpus: 1, intervalS: 60));
        await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);
        Assert.Equal(180m, Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]).Seconds.ObservedGpu);
        Assert.Equal(
            [new DateOnly(2026, 11, 14), new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 26)],
            _pipeline.Usage.Days.Keys.Order()
        );

        // A late sample in another hour of the last day: only that day's two hourly lines are read back, not the month's.
        int readBefore = _pipeline.Usage.HourlyLinesRead;
        await IngestGpuAsync(3, EventJson.Gpu(node: "gn0002", ts: "2026-11-26T03:00:00Z", gpus: 1, intervalS: 60));
        await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        Assert.Equal(2, _pipeline.Usage.HourlyLinesRead - readBefore);
        Assert.Equal(120m, Assert.Single(_pipeline.Usage.Days[new DateOnly(2026, 11, 26)]).Seconds.ObservedGpu);
        Assert.Equal(240m, Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]).Seconds.ObservedGpu);
    }

    [Fact]
    public async Task RunPending_NothingPending_ChangesNothing()
    {
        RollupResult result = await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        Assert.Equal(new RollupResult(0, 0, 0, 0, 0), result);
        Assert.Empty(_pipeline.Usage.Months);
    }

    [Fact]
    public async Task RunPending_IngestLandsWhileTheHourIsComputed_KeepsTheMarkForTheNextRun()
    {
        await IngestGpuAsync(0, EventJson.Gpu(ts: "2026-11-27T09:30:00Z", gpus: 1));
        var hour = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
        var racing = new ActBeforeFirstOpen(
            new InMemoryLandedFiles(_pipeline.Landing),
            () => IngestGpuAsync(100, EventJson.Gpu(node: "gn9999", ts: "2026-11-27T09:40:00Z", gpus: 1))
        );

        RollupResult first = await _pipeline.Rollup(racing).RunPendingAsync(CancellationToken.None);

        Assert.Equal(1, first.MarksKeptForNextRun);
        Assert.Contains((MarkKind.Gpu, UtcHours.Key(hour)), _pipeline.Marks.Pending.Keys);
        Assert.Equal(15m, Assert.Single(_pipeline.Usage.Hours[hour]).Seconds.ObservedGpu);

        RollupResult second = await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        Assert.Equal(0, second.MarksKeptForNextRun);
        Assert.Equal(30m, Assert.Single(_pipeline.Usage.Hours[hour]).Seconds.ObservedGpu);
        Assert.Equal(30m, Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]).Seconds.ObservedGpu);
    }

    [Fact]
    public async Task RunRange_RecomputesTheHoursEvenWithoutMarks()
    {
        await IngestGpuAsync(0, EventJson.Gpu(ts: "2026-11-27T09:30:00Z", gpus: 1));
        await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);
        _pipeline.Usage.Hours.Clear();

        RollupResult result = await _pipeline
            .Rollup()
            .RunRangeAsync(
                new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 11, 27, 9, 59, 0, TimeSpan.Zero),
                CancellationToken.None
            );

        Assert.Equal(1, result.HoursRecomputed);
        Assert.Single(_pipeline.Usage.Hours[new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)]);
    }

    [Fact]
    public async Task RunPending_LockLostMidRun_StopsAndLeavesTheMarksForTheNextRun()
    {
        await IngestGpuAsync(0, EventJson.Gpu(ts: "2026-11-27T09:30:00Z", gpus: 1));
        var losing = new ActBeforeFirstOpen(new InMemoryLandedFiles(_pipeline.Landing), () => _pipeline.Lock.Lost.CancelAsync());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _pipeline.Rollup(losing).RunPendingAsync(CancellationToken.None));

        Assert.Contains(_pipeline.Marks.Pending.Keys, k => k.Kind == MarkKind.Gpu);
        Assert.Empty(_pipeline.Usage.Months);
    }
}
