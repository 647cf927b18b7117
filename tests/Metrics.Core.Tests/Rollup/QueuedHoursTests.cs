using Microsoft.Extensions.Time.Testing;

namespace Metrics.Core.Tests.Rollup;

/// <summary>
/// The rollup's hour phase as queued units (<see cref="QueuedHours"/>): an hour cut into shards, each read by a unit,
/// bills exactly what the hour read whole bills; units are idempotent and fenced by their plan; a run that leaves the
/// units to other instances writes each hour once its shards are in.
/// </summary>
public sealed class QueuedHoursTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_hour = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(s_enqueued);

    /// <summary>
    /// Six nodes of 4 GPUs across three institutions, 1-minute samples over 09:00-10:10, each batch landed twice (a resend
    /// with new sequence numbers), and a job: 70 minutes of samples reach into two hours and the next's files.
    /// </summary>
    private static async Task LandAsync(InMemoryPipeline pipeline)
    {
        // Three runs, so that the job phase cuts them into slices (one run a unit below).
        await pipeline.IngestAtAsync(
            s_enqueued,
            TelemetryStream.Jobs,
            0,
            EventJson.Bytes(EventJson.Job(state: "ended", ts: "2026-11-27T10:00:00Z", gpus: 4, cpus: 8)),
            EventJson.Bytes(EventJson.Job(jobId: "7000001", state: "ended", ts: "2026-11-27T09:30:00Z", gpus: 2, cpus: 4)),
            EventJson.Bytes(EventJson.Job(jobId: "7000002", state: "running", ts: "2026-11-27T10:05:00Z", gpus: 1, cpus: 2))
        );
        long sequence = 0;
        for (int minute = 1; minute <= 70; minute++)
        {
            byte[][] bodies = Enumerable
                .Range(0, 6)
                .Select(n =>
                    EventJson.Bytes(
                        EventJson.Gpu(
                            node: $"gn{n:0000}",
                            ts: EventJson.Ts(s_hour.AddMinutes(minute)),
                            gpus: 4,
                            institution: $"inst-0000{n % 3}",
                            utilPct: 10 * n,
                            intervalS: 60
                        )
                    )
                )
                .ToArray();
            for (int copy = 0; copy < 2; copy++)
            {
                await pipeline.IngestAtAsync(s_enqueued, TelemetryStream.Gpu, sequence, bodies);
                sequence += bodies.Length;
            }
        }
    }

    private QueuedHours Queued(
        InMemoryPipeline pipeline,
        InMemoryHourShardResults results,
        InMemoryWorkQueue queue,
        int maxSamples,
        bool jobUnits = true
    ) =>
        new(new InMemoryLandedFiles(pipeline.Landing), pipeline.Usage, results, queue, (pipeline.Marks, pipeline.Calendar), _time)
        {
            MaxSamplesInMemory = maxSamples,
            Jobs = jobUnits ? (pipeline.Jobs, new InMemoryJobPlans()) : null,
            RunsPerJobUnit = 1,
        };

    private static Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>> DrainHere(
        InMemoryUnitFailures failures,
        TimeProvider time
    ) =>
        (queued, token) =>
            new UnitWorker(queued.Queue, new QueuedUnitRunner(failures, time)).RunUntilDrainedAsync(
                async (u, t) => await queued.RunUnitAsync(u, t),
                token
            );

    /// <summary>The landed day, its hours planned as units of at most <paramref name="maxSamples"/> by one rollup run.</summary>
    private async Task<(
        InMemoryPipeline Pipeline,
        InMemoryHourShardResults Results,
        InMemoryWorkQueue Queue,
        QueuedHours Queued,
        RollupResult First
    )> PlannedAsync(int maxSamples, bool jobUnits = true, Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>>? drain = null)
    {
        var pipeline = new InMemoryPipeline();
        await LandAsync(pipeline);
        var results = new InMemoryHourShardResults();
        var queue = new InMemoryWorkQueue();
        QueuedHours queued = Queued(pipeline, results, queue, maxSamples, jobUnits);
        RollupResult first = await Rollup(pipeline, queued, drain).RunPendingAsync(CancellationToken.None);
        return (pipeline, results, queue, queued, first);
    }

    private static UsageRollup Rollup(
        InMemoryPipeline pipeline,
        QueuedHours queued,
        Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>>? drain
    ) =>
        new(pipeline.Marks, new InMemoryLandedFiles(pipeline.Landing), pipeline.Jobs, pipeline.Usage, pipeline.Lock, pipeline.Calendar)
        {
            Queued = queued,
            Drain = drain,
        };

    private static string Billed(InMemoryPipeline pipeline) =>
        string.Join(
            "\n",
            pipeline
                .Usage.Hours.OrderBy(h => h.Key)
                .SelectMany(h => h.Value.Select(l => $"{h.Key:HH} {l.Institution} {l.GpuModel} {l.Account} {l.Jobs} {l.Seconds}"))
                .Concat(
                    pipeline.Usage.Months.SelectMany(m => m.Value.Select(l => $"{m.Key} {l.Institution} {l.GpuModel} {l.Jobs} {l.Seconds}"))
                )
        );

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(500)]
    [InlineData(100)]
    public async Task AnHourCutIntoShards_BillsWhatTheHourReadWholeBills(int maxSamples)
    {
        var whole = new InMemoryPipeline();
        await LandAsync(whole);
        await whole.Rollup().RunPendingAsync(CancellationToken.None);

        var sharded = new InMemoryPipeline();
        await LandAsync(sharded);
        var results = new InMemoryHourShardResults();
        var queue = new InMemoryWorkQueue();
        RollupResult done = await Rollup(sharded, Queued(sharded, results, queue, maxSamples), DrainHere(new(), _time))
            .RunPendingAsync(CancellationToken.None);

        Assert.Empty(done.Failures);
        Assert.Equal(0, done.MarksKeptForNextRun);
        Assert.Empty(sharded.Marks.RollupPending);
        Assert.NotEmpty(whole.Usage.Hours);
        Assert.Equal(Billed(whole), Billed(sharded));
        // Three hours have samples to read (08's are the next hour's files, which could reach back into it; these files
        // do not say how far back they reach): one unit each under a large bound, more the smaller it is, one result
        // per unit, and the plans forgotten once written.
        Assert.True(maxSamples >= 1_000_000 ? results.Written == 3 : results.Written > 1680 / maxSamples, $"{results.Written}");
        Assert.Empty(results.Results);
        Assert.Empty(queue.Visible);
    }

    /// <summary>
    /// The timer's way: a run plans and leaves the units to other instances; each later run takes up what the units
    /// left (hours whose shards are in, days whose hours are written, months whose days are), so that after the units
    /// and a few runs the bill is what one run that drains its units bills.
    /// </summary>
    [Fact]
    public async Task WithoutADrain_EachRunTakesUpWhatTheUnitsLeft_UntilTheBillIsWhole()
    {
        (InMemoryPipeline pipeline, InMemoryHourShardResults results, InMemoryWorkQueue queue, QueuedHours queued, RollupResult first) =
            await PlannedAsync(500);
        Assert.Equal(0, first.HoursRecomputed);
        Assert.True(first.MarksKeptForNextRun >= 3, $"{first}");
        Assert.Empty(pipeline.Usage.Hours);
        int shardUnits = queue.Visible.Count(u => u.Kind == MarkKind.Usage);
        Assert.True(shardUnits > 3, $"{shardUnits} shard units");
        // The job phase too: the job hour's three runs, one a unit.
        Assert.Equal(3, queue.Visible.Count(u => u.Kind == MarkKind.Jobs));

        // A second run before any unit ran plans no hour again: the plans are under way.
        await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
        Assert.Equal(shardUnits, queue.Visible.Count(u => u.Kind == MarkKind.Usage));

        var kinds = new List<MarkKind>();
        for (int round = 0; round < 8 && pipeline.Marks.RollupPending.Count > 0; round++)
        {
            kinds.AddRange(queue.Visible.Select(u => u.Kind));
            await DrainHere(new(), _time)(queued, CancellationToken.None);
            await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
        }

        Assert.Empty(pipeline.Marks.RollupPending);
        Assert.Equal([MarkKind.Jobs, MarkKind.Usage, MarkKind.Month, MarkKind.Day], kinds.Distinct().Order());
        var whole = new InMemoryPipeline();
        await LandAsync(whole);
        await whole.Rollup().RunPendingAsync(CancellationToken.None);
        Assert.Equal(Billed(whole), Billed(pipeline));
    }

    /// <summary>
    /// Day and month units: one whose mark is gone does nothing; one planned by an earlier run whose period a later run's
    /// unit wrote is fenced out and leaves the mark to it; a message of no rollup kind is refused.
    /// </summary>
    [Fact]
    public async Task PeriodUnits_RunOnceTheirMarkIsThere_AndAnEarlierRunsUnitIsFencedOut()
    {
        (InMemoryPipeline pipeline, _, InMemoryWorkQueue queue, QueuedHours queued, _) = await PlannedAsync(
            1_000_000,
            drain: DrainHere(new(), _time)
        );
        var day = new DateOnly(2026, 11, 27);

        await pipeline.Marks.MarkAsync(MarkKind.Day, ["2026-11-27"], CancellationToken.None);
        await pipeline.Usage.ReplaceDayAsync(day, await DayLinesAsync(pipeline, day), generation: 9, CancellationToken.None);
        Assert.False(await queued.RunUnitAsync(PeriodUnit.Of(MarkKind.Day, "2026-11-27", 8), CancellationToken.None));
        Assert.Contains(pipeline.Marks.RollupPending, m => m.Kind == MarkKind.Day);
        Assert.True(await queued.RunUnitAsync(PeriodUnit.Of(MarkKind.Day, "2026-11-27", 9), CancellationToken.None));
        Assert.False(await queued.RunUnitAsync(PeriodUnit.Of(MarkKind.Day, "2026-11-27", 10), CancellationToken.None));
        Assert.Equal([(MarkKind.Month, "2026-11")], pipeline.Marks.RollupPending);
        Assert.True(await queued.RunUnitAsync(PeriodUnit.Of(MarkKind.Month, "2026-11", 10), CancellationToken.None));
        Assert.Empty(pipeline.Marks.RollupPending);
        Assert.Throws<FormatException>(() => QueuedHours.ParseUnit(new WorkUnit(MarkKind.Day, "2026-11-27").ToJson()));
        Assert.Throws<FormatException>(() => QueuedHours.ParseUnit(new WorkUnit(MarkKind.CompactGpu, "2026112709").ToJson()));
    }

    /// <summary>Job units: each slice folds once; a unit of a replaced plan does nothing; a key of no job unit is refused.</summary>
    [Fact]
    public async Task JobUnits_FoldTheirSliceOnce_AndAUnitOfAReplacedPlanDoesNothing()
    {
        (InMemoryPipeline pipeline, _, InMemoryWorkQueue queue, QueuedHours queued, _) = await PlannedAsync(1_000_000);
        WorkUnit[] jobUnits = [.. queue.Visible.Where(u => u.Kind == MarkKind.Jobs)];
        Assert.Equal(3, jobUnits.Length);

        Assert.True(await queued.RunUnitAsync(jobUnits[0], CancellationToken.None));
        Assert.False(await queued.RunUnitAsync(jobUnits[0], CancellationToken.None));
        Assert.Single(pipeline.Jobs.States);

        WorkUnit stale = new(
            MarkKind.Jobs,
            jobUnits[1].Key.Replace(JobPlan.Parse(jobUnits[1]).Epoch, "0123456789ab", StringComparison.Ordinal)
        );
        Assert.False(await queued.RunUnitAsync(stale, CancellationToken.None));
        Assert.Single(pipeline.Jobs.States);
        Assert.Throws<FormatException>(() => QueuedHours.ParseUnit(new WorkUnit(MarkKind.Jobs, "2026112712").ToJson()));
    }

    private static async Task<IReadOnlyList<DailyUsage>> DayLinesAsync(InMemoryPipeline pipeline, DateOnly day) =>
        await MonthlyAggregator.ComputeDayAsync(
            day,
            pipeline.Usage.ReadHoursAsync(
                pipeline.Calendar.StartUtc(day),
                pipeline.Calendar.StartUtc(day.AddDays(1)),
                CancellationToken.None
            ),
            CancellationToken.None
        );

    [Fact]
    public async Task AUnitRunTwice_OrOfAReplacedPlan_WritesNothing()
    {
        (InMemoryPipeline pipeline, InMemoryHourShardResults results, InMemoryWorkQueue queue, QueuedHours queued, _) = await PlannedAsync(
            500,
            jobUnits: false
        );
        WorkUnit first = queue.Visible[0];

        Assert.True(await queued.RunUnitAsync(first, CancellationToken.None));
        Assert.False(await queued.RunUnitAsync(first, CancellationToken.None));
        Assert.Equal(1, results.Written);

        // The hour planned again (its plan forgotten, as after it was written): the old plan's units do nothing.
        HourShardUnit old = HourShardUnit.Parse(queue.Visible[1]);
        await results.DeleteHourAsync(old.Hour, CancellationToken.None);
        HourPlan replaced = await queued.PlanAsync(old.Hour, [], CancellationToken.None);
        Assert.NotEqual(old.Epoch, replaced.Epoch);
        Assert.False(await queued.RunUnitAsync(old.ToWorkUnit(), CancellationToken.None));
        Assert.DoesNotContain(results.Results, r => r.Epoch == old.Epoch);
        Assert.Throws<FormatException>(() => HourShardUnit.Parse(new WorkUnit(MarkKind.Usage, "2026112709")));
    }

    [Fact]
    public async Task AUnitThatKeepsFailing_IsPoisonedAndReported_ItsHourKeepsItsMarks_AndOnlyItIsQueuedAgainLater()
    {
        (InMemoryPipeline pipeline, InMemoryHourShardResults results, InMemoryWorkQueue queue, QueuedHours queued, _) = await PlannedAsync(
            500,
            jobUnits: false
        );
        string doomed = queue.Visible[0].Key;
        var failures = new InMemoryUnitFailures();
        UnitWorkerResult worked = await new UnitWorker(queue, new QueuedUnitRunner(failures, _time)).RunUntilDrainedAsync(
            async (u, t) =>
            {
                if (u.Key == doomed)
                {
                    throw new IOException("a landed file is unreadable");
                }

                await queued.RunUnitAsync(u, t);
            },
            CancellationToken.None
        );

        UnitFailure poisoned = Assert.Single(worked.Failures);
        Assert.Equal(doomed, poisoned.Key);
        Assert.Equal([doomed], queue.Poisoned.Select(u => u.Key).Distinct());
        Assert.True(Assert.Single(failures.Failed).Value.Poisoned);

        RollupResult waiting = await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
        Assert.True(waiting.MarksKeptForNextRun >= 1);
        Assert.Contains(pipeline.Marks.RollupPending, m => doomed.StartsWith(m.Key, StringComparison.Ordinal));

        // Once the plan has waited past ReplanAfter, only the missing unit is queued again, and then the hour is written.
        _time.Advance(QueuedHours.DefaultReplanAfter);
        await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
        Assert.Equal([doomed], queue.Visible.Where(u => u.Kind == MarkKind.Usage).Select(u => u.Key));
        RollupResult written = await Rollup(pipeline, queued, DrainHere(failures, _time)).RunPendingAsync(CancellationToken.None);
        Assert.Empty(written.Failures);
        Assert.Empty(pipeline.Marks.RollupPending);
        Assert.Empty(failures.Failed);
    }
}
