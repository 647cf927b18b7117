using Metrics.Core.Ledger;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Functions.Tests;

/// <summary>The month-close timer as the host calls it, over in-memory stores (the close itself is tested on Azurite).</summary>
public sealed class MonthCloseTimerTests
{
    private static readonly BillingMonth s_november = new(2026, 11);
    private readonly InMemoryPipeline _pipeline = new();
    private readonly InMemoryStatementStore _statements = new();
    private readonly FakeTimeProvider _time = new();

    private MonthCloseTimer Timer(FakeLogger<MonthCloseTimer> logger, IWorkLock? rollupLock = null)
    {
        BillingCalendar calendar = _pipeline.Calendar;
        UsageRollup rollup = _pipeline.Rollup(rollupLock: rollupLock);
        var query = new UsageQuery(_pipeline.Usage, InMemoryRateCardStore.Standard(), _statements, new InMemoryVoucherStore(), calendar);
        return new MonthCloseTimer(
            new MonthClose(rollup, query, _pipeline.Usage, _statements, rollupLock ?? _pipeline.Lock, calendar, _time)
            {
                Grace = TimeSpan.FromDays(3),
            },
            logger
        );
    }

    private Task LandNovemberJobAsync() =>
        _pipeline.IngestAtAsync(
            new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero),
            TelemetryStream.Jobs,
            1,
            EventJson.Bytes(EventJson.Job(state: "ended", ts: "2026-11-27T10:00:00Z", gpus: 8))
        );

    [Fact]
    public async Task Run_BeforeTheGraceHasPassed_LeavesTheMonthOpen()
    {
        // November ends 2026-11-30T16:00Z (midnight in Shanghai); three days later is 2026-12-03T16:00Z.
        await LandNovemberJobAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 3, 15, 59, 0, TimeSpan.Zero));

        await Timer(new FakeLogger<MonthCloseTimer>()).RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.False(_statements.Stored.ContainsKey(s_november));
    }

    [Fact]
    public async Task Run_OnceTheGraceHasPassed_RollsUpClosesAndThenDoesNothing()
    {
        await LandNovemberJobAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 3, 16, 0, 0, TimeSpan.Zero));
        var logger = new FakeLogger<MonthCloseTimer>();

        await Timer(logger).RunAsync(new TimerInfo(), CancellationToken.None);
        byte[] frozen = _statements.Stored[s_november];
        _time.Advance(TimeSpan.FromDays(1));
        await Timer(logger).RunAsync(new TimerInfo(), CancellationToken.None);

        // The pending job (08:00-10:00, 8 GPUs) was rolled up before the freeze: 16 GPU-hours on the statement.
        FrozenStatement statement = FrozenStatement.FromJson(frozen);
        Assert.Equal(16m * 3600m, Assert.Single(statement.Report.Lines).Usage.Seconds.Gpu);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 16, 0, 0, TimeSpan.Zero), statement.Seal.ClosedAt);
        Assert.Equal(frozen, _statements.Stored[s_november]);
        Assert.Equal([1300, 1301], logger.Collector.GetSnapshot().Select(r => r.Id.Id).Where(id => id >= 1300).ToArray());
    }

    [Fact]
    public async Task Run_WhileARollupHoldsTheLock_LogsAndLeavesTheMonthOpenForTheNextTick()
    {
        await LandNovemberJobAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 3, 16, 0, 0, TimeSpan.Zero));
        var logger = new FakeLogger<MonthCloseTimer>();
        await using (IWorkLease held = await _pipeline.Lock.AcquireAsync(TimeSpan.Zero, CancellationToken.None))
        {
            await Timer(logger, _pipeline.Lock.Impatient()).RunAsync(new TimerInfo(), CancellationToken.None);
        }

        Assert.False(_statements.Stored.ContainsKey(s_november));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1303);

        await Timer(logger).RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.True(_statements.Stored.ContainsKey(s_november));
    }
}
