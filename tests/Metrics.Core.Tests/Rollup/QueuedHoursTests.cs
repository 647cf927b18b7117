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
        await pipeline.IngestAtAsync(
            s_enqueued,
            TelemetryStream.Jobs,
            0,
            EventJson.Bytes(EventJson.Job(state: "ended", ts: "2026-11-27T10:00:00Z", gpus: 4, cpus: 8))
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

    private QueuedHours Queued(InMemoryPipeline pipeline, InMemoryHourShardResults results, InMemoryWorkQueue queue, int maxSamples) =>
        new(new InMemoryLandedFiles(pipeline.Landing), pipeline.Usage, results, queue, _time) { MaxSamplesInMemory = maxSamples };

    private static Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>> DrainHere(
        InMemoryUnitFailures failures,
        TimeProvider time
    ) =>
        (queued, token) =>
            new UnitWorker(queued.Queue, new QueuedUnitRunner(failures, time)).RunUntilDrainedAsync(
                async (u, t) => await queued.RunUnitAsync(u, t),
                token
            );

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

    [Fact]
    public async Task WithoutADrain_TheRunPlans_AndALaterRunWritesTheHoursOnceTheUnitsHaveRun()
    {
        var pipeline = new InMemoryPipeline();
        await LandAsync(pipeline);
        var results = new InMemoryHourShardResults();
        var queue = new InMemoryWorkQueue();
        QueuedHours queued = Queued(pipeline, results, queue, 500);

        RollupResult planned = await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
        // Hours the job alone is billed in have no units and are written at once; the three with samples to read wait.
        Assert.Equal(3, planned.MarksKeptForNextRun);
        Assert.DoesNotContain(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), pipeline.Usage.Hours.Keys);
        int units = queue.Visible.Count;
        Assert.True(units > 2, $"{units} units");

        // A second run before any unit ran plans nothing more: the plans are under way.
        await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
        Assert.Equal(units, queue.Visible.Count);

        UnitWorkerResult worked = await DrainHere(new(), _time)(queued, CancellationToken.None);
        Assert.Equal(units, worked.Done);
        RollupResult written = await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
        Assert.Equal(3, written.HoursRecomputed);
        Assert.Empty(pipeline.Marks.RollupPending);

        var whole = new InMemoryPipeline();
        await LandAsync(whole);
        await whole.Rollup().RunPendingAsync(CancellationToken.None);
        Assert.Equal(Billed(whole), Billed(pipeline));
    }

    [Fact]
    public async Task AUnitRunTwice_OrOfAReplacedPlan_WritesNothing()
    {
        var pipeline = new InMemoryPipeline();
        await LandAsync(pipeline);
        var results = new InMemoryHourShardResults();
        var queue = new InMemoryWorkQueue();
        QueuedHours queued = Queued(pipeline, results, queue, 500);
        await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
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
        var pipeline = new InMemoryPipeline();
        await LandAsync(pipeline);
        var results = new InMemoryHourShardResults();
        var queue = new InMemoryWorkQueue();
        QueuedHours queued = Queued(pipeline, results, queue, 500);
        await Rollup(pipeline, queued, drain: null).RunPendingAsync(CancellationToken.None);
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
        Assert.Equal([doomed], queue.Visible.Select(u => u.Key));
        RollupResult written = await Rollup(pipeline, queued, DrainHere(failures, _time)).RunPendingAsync(CancellationToken.None);
        Assert.Empty(written.Failures);
        Assert.Empty(pipeline.Marks.RollupPending);
        Assert.Empty(failures.Failed);
    }
}
