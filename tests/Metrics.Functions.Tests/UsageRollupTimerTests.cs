using Metrics.Core.Billing;
using Metrics.Core.Ingest;
using Metrics.Core.Telemetry;
using Metrics.Functions.Billing;
using Metrics.Tests.Shared;
using Metrics.Tests.Shared.Fakes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Testing;

namespace Metrics.Functions.Tests;

public sealed class UsageRollupTimerTests
{
    private readonly InMemoryLandingStore _landing = new();
    private readonly InMemoryDirtyHourLog _marks = new();
    private readonly InMemoryUsageStore _usage = new();
    private readonly InMemoryRollupLock _lock = new();

    private UsageRollup Rollup() =>
        new(_marks, new InMemoryLandedFiles(_landing), new InMemoryJobStateStore(), _usage, _lock, BillingCalendar.Create("Asia/Shanghai"));

    [Fact]
    public async Task Run_PastDueWithPendingJobEvents_RollsThemUpAndLogs()
    {
        var enqueued = new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);
        await new IngestPipeline(_landing, _marks).IngestAsync(
            new EventBatch(
                TelemetryStream.Jobs,
                "0",
                [new RawEvent(EventJson.Bytes(EventJson.Job(state: "ended", ts: "2026-11-27T10:00:00Z", gpus: 8)), 1, enqueued)]
            ),
            CancellationToken.None
        );
        var logger = new FakeLogger<UsageRollupTimer>();

        await new UsageRollupTimer(Rollup(), logger).RunAsync(new TimerInfo { IsPastDue = true }, CancellationToken.None);

        // Job 08:00-10:00 with 8 GPUs: 16 GPU-hours in November (Shanghai).
        MonthlyUsage line = Assert.Single(_usage.Months[new BillingMonth(2026, 11)]);
        Assert.Equal(16m, line.GpuSeconds / 3600);
        Assert.Empty(_marks.RollupPending);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1101);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1100);
    }

    [Fact]
    public async Task Run_LockHeldByAnotherRollup_SkipsWithoutFailing()
    {
        var logger = new FakeLogger<UsageRollupTimer>();
        await using Metrics.Core.Ports.IRollupLease held = await _lock.AcquireAsync(TimeSpan.Zero, CancellationToken.None);
        var rollup = new UsageRollup(
            _marks,
            new InMemoryLandedFiles(_landing),
            new InMemoryJobStateStore(),
            _usage,
            new ImpatientLock(_lock),
            BillingCalendar.Create("Asia/Shanghai")
        );

        await new UsageRollupTimer(rollup, logger).RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1102);
    }

    /// <summary>The same lock, but giving up at once instead of after <see cref="UsageRollup.LockWait"/>.</summary>
    private sealed class ImpatientLock(InMemoryRollupLock inner) : Metrics.Core.Ports.IRollupLock
    {
        public Task<Metrics.Core.Ports.IRollupLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken) =>
            inner.AcquireAsync(TimeSpan.Zero, cancellationToken);
    }
}
