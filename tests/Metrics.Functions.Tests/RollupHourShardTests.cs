using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Metrics.Functions.Billing;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Functions.Tests;

/// <summary>
/// The rollup's queue-triggered unit as the host calls it: it reads its shard and writes its result once; a message that
/// is no rollup unit is dropped; a unit that fails is recorded, rethrown for the host to retry, and poisoned on its last
/// attempt. The queued hour phase itself is tested in Core (QueuedHoursTests) and on Azurite (RollupKillTests).
/// </summary>
public sealed class RollupHourShardTests
{
    private static readonly DateTimeOffset s_hour = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private readonly InMemoryPipeline _pipeline = new();
    private readonly InMemoryHourShardResults _results = new();
    private readonly InMemoryWorkQueue _queue = new();
    private readonly InMemoryUnitFailures _failures = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    private QueuedHours Hours(ILandedFiles? files = null) =>
        new(
            files ?? new InMemoryLandedFiles(_pipeline.Landing),
            _pipeline.Usage,
            _results,
            _queue,
            (_pipeline.Marks, _pipeline.Calendar),
            _time
        );

    private RollupHourShard Function(QueuedHours hours, FakeLogger<RollupHourShard> logger) =>
        new(hours, new QueuedUnitRunner(_failures, _time), logger);

    private static QueueMessage Message(WorkUnit unit, long dequeueCount) =>
        QueuesModelFactory.QueueMessage("m1", "r1", BinaryData.FromBytes(unit.ToJson()), dequeueCount);

    /// <summary>A node's samples in the hour, and the hour planned: its one unit on the queue.</summary>
    private async Task<WorkUnit> PlannedAsync()
    {
        await _pipeline.IngestAtAsync(
            s_hour.AddMinutes(30),
            TelemetryStream.Gpu,
            0,
            EventJson.Bytes(EventJson.Gpu(ts: "2026-11-27T09:30:00Z", gpus: 2, intervalS: 60))
        );
        HourPlan plan = await Hours().PlanAsync(s_hour, [], CancellationToken.None);
        return Assert.Single(plan.Units()).ToWorkUnit();
    }

    [Fact]
    public async Task Unit_WritesItsShardOnce_ThenADuplicateHasNothingToDo()
    {
        WorkUnit unit = await PlannedAsync();
        var logger = new FakeLogger<RollupHourShard>();

        await Function(Hours(), logger).RunAsync(Message(unit, 1), CancellationToken.None);
        await Function(Hours(), logger).RunAsync(Message(unit, 1), CancellationToken.None);

        Assert.Equal(1, _results.Written);
        Assert.Equal(
            ["did its work", "had nothing to do"],
            logger.Collector.GetSnapshot().Select(r => r.Message.Split(' ', 5)[4].Split(':')[0])
        );
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed = (
            await _results.ReadAsync(s_hour, HourShardUnit.Parse(unit).Epoch, default)
        )[0];
        Assert.Equal(2 * 60m, observed.Values.Sum(s => s.Observed));
    }

    [Fact]
    public async Task DayUnit_WritesItsDay_MarksItsMonth_AndClearsItsMark()
    {
        await _pipeline.Marks.MarkAsync(MarkKind.Day, ["2026-11-27"], CancellationToken.None);
        var logger = new FakeLogger<RollupHourShard>();

        await Function(Hours(), logger).RunAsync(Message(PeriodUnit.Of(MarkKind.Day, "2026-11-27", 1), 1), CancellationToken.None);

        Assert.Equal([(MarkKind.Month, "2026-11")], _pipeline.Marks.RollupPending);
        Assert.True(_pipeline.Usage.Days.ContainsKey(new DateOnly(2026, 11, 27)));
        Assert.EndsWith("did its work", Assert.Single(logger.Collector.GetSnapshot()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unit_ThatFails_IsRecordedAndRethrown_PoisonedOnTheLastAttempt_AndAMessageThatIsNoUnitIsDropped()
    {
        WorkUnit unit = await PlannedAsync();
        var logger = new FakeLogger<RollupHourShard>();
        RollupHourShard failing = Function(Hours(new UnreadableFiles()), logger);

        await Assert.ThrowsAsync<InvalidDataException>(() => failing.RunAsync(Message(unit, 1), CancellationToken.None));
        Assert.False(_failures.Failed[unit].Poisoned);
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            failing.RunAsync(Message(unit, QueuedUnitRunner.MaxAttempts), CancellationToken.None)
        );
        Assert.True(_failures.Failed[unit].Poisoned);
        FakeLogRecord poisoned = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1107);
        Assert.Contains("goes to rollup-units-poison", poisoned.Message, StringComparison.Ordinal);
        Assert.Equal(0, _results.Written);

        // A compaction unit's message on this queue is no rollup unit: dropped, not retried.
        await failing.RunAsync(Message(new WorkUnit(MarkKind.CompactGpu, "2026112709"), 1), CancellationToken.None);
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1106);
    }

    /// <summary>Landed files that list, but cannot be read.</summary>
    private sealed class UnreadableFiles : ILandedFiles
    {
        public Task<IReadOnlyList<string>> ListHourAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => Task.FromResult<IReadOnlyList<string>>(["telemetry/gpu/v1/broken.arrow"]);

        public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
            throw new InvalidDataException($"{path} is not an Arrow file");
    }
}
