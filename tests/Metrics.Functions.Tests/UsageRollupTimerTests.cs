namespace Metrics.Functions.Tests;

public sealed class UsageRollupTimerTests
{
    private readonly InMemoryPipeline _pipeline = new();

    [Fact]
    public async Task Run_PastDueWithPendingJobEvents_RollsThemUpAndLogs()
    {
        var enqueued = new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);
        await _pipeline.IngestAtAsync(
            enqueued,
            TelemetryStream.Jobs,
            1,
            EventJson.Bytes(EventJson.Job(state: "ended", ts: "2026-11-27T10:00:00Z", gpus: 8))
        );
        var logger = new FakeLogger<UsageRollupTimer>();

        await new UsageRollupTimer(_pipeline.Rollup(), _pipeline.Watch(TimeProvider.System), logger).RunAsync(
            new TimerInfo { IsPastDue = true },
            CancellationToken.None
        );

        // Job 08:00-10:00 with 8 GPUs: 16 GPU-hours in November (Shanghai).
        MonthlyUsage line = Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]);
        Assert.Equal(16m, line.Seconds.Gpu / 3600);
        Assert.Empty(_pipeline.Marks.RollupPending);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1101);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1100);
    }

    [Fact]
    public async Task Run_LockHeldByAnotherRollup_SkipsWithoutFailing()
    {
        var logger = new FakeLogger<UsageRollupTimer>();
        await using Metrics.Core.Work.IWorkLease held = await _pipeline.Lock.AcquireAsync(TimeSpan.Zero, CancellationToken.None);
        UsageRollup rollup = _pipeline.Rollup(rollupLock: _pipeline.Lock.Impatient());

        await new UsageRollupTimer(rollup, _pipeline.Watch(TimeProvider.System), logger).RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1102);
    }
}
