using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Metrics.Core.Compaction;
using Metrics.Functions.Compaction;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Functions.Tests;

/// <summary>
/// The compaction timer and the queue-triggered unit as the host calls them. Compaction itself is tested on Azurite
/// (CompactionOnAzuriteTests).
/// </summary>
public sealed class LandedCompactionTimerTests
{
    private readonly InMemoryWorkMarks _marks = new();
    private readonly InMemoryWorkLock _lock = new();
    private readonly InMemoryWorkQueue _queue = new();
    private readonly InMemoryUnitFailures _failures = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 30, 0, TimeSpan.Zero));

    private LandedCompaction Compaction(ILandedHourStore? landed = null) =>
        new(_marks, new HourCompactor(landed ?? new NothingLanded(), _time), _lock, _time) { Grace = TimeSpan.FromMinutes(60) };

    private CompactHour Unit(ILandedHourStore? landed, FakeLogger<CompactHour> logger) =>
        new(Compaction(landed), new QueuedUnitRunner(_failures, _time), logger);

    private static QueueMessage Message(WorkUnit unit, long dequeueCount) =>
        QueuesModelFactory.QueueMessage("m1", "r1", BinaryData.FromBytes(unit.ToJson()), dequeueCount);

    [Fact]
    public async Task Timer_QueuesAUnitPerHourPastItsGrace_AndLeavesTheMarksToTheUnits()
    {
        // At 12:30 with an hour's grace, 10:00-11:00 is due (it ended at 11:00) and 11:00-12:00 is not (12:00 + 60 min).
        await _marks.MarkAsync(MarkKind.CompactGpu, ["2026112710", "2026112711"], CancellationToken.None);
        await _marks.MarkAsync(MarkKind.CompactJobs, ["2026112710"], CancellationToken.None);
        var logger = new FakeLogger<LandedCompactionTimer>();

        await new LandedCompactionTimer(Compaction(), _queue, logger).RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal([new WorkUnit(MarkKind.CompactGpu, "2026112710"), new WorkUnit(MarkKind.CompactJobs, "2026112710")], _queue.Visible);
        Assert.Equal(3, _marks.Pending.Count);
        FakeLogRecord planned = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1203);
        Assert.Contains("planned 2 stream-hours on queue compaction-units; 1 hours not yet due", planned.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unit_CompactsItsHourAndClearsItsMark_ThenADuplicateHasNothingLeft()
    {
        await _marks.MarkAsync(MarkKind.CompactGpu, ["2026112710"], CancellationToken.None);
        var logger = new FakeLogger<CompactHour>();
        var unit = new WorkUnit(MarkKind.CompactGpu, "2026112710");

        await Unit(null, logger).RunAsync(Message(unit, 1), CancellationToken.None);
        await Unit(null, logger).RunAsync(Message(unit, 1), CancellationToken.None);

        Assert.Empty(_marks.Pending);
        Assert.Equal([1204, 1205], logger.Collector.GetSnapshot().Select(r => r.Id.Id));
    }

    [Fact]
    public async Task Unit_ThatFails_IsRecordedAndRethrownForTheHostToRetry_PoisonedOnTheLastAttempt()
    {
        await _marks.MarkAsync(MarkKind.CompactGpu, ["2026112710"], CancellationToken.None);
        var unit = new WorkUnit(MarkKind.CompactGpu, "2026112710");
        CompactHour failing = Unit(new UnreadableHour(), new FakeLogger<CompactHour>());

        await Assert.ThrowsAsync<InvalidDataException>(() => failing.RunAsync(Message(unit, 1), CancellationToken.None));
        Assert.False(_failures.Failed[unit].Poisoned);
        var logger = new FakeLogger<CompactHour>();
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            Unit(new UnreadableHour(), logger).RunAsync(Message(unit, QueuedUnitRunner.MaxAttempts), CancellationToken.None)
        );
        FakeLogRecord poisoned = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1207);
        Assert.Contains("goes to compaction-units-poison", poisoned.Message, StringComparison.Ordinal);

        FailedUnit failed = _failures.Failed[unit];
        Assert.Equal((QueuedUnitRunner.MaxAttempts, true), (failed.Attempts, failed.Poisoned));
        Assert.Contains("not an Arrow file", failed.Failure.Message, StringComparison.Ordinal);
        Assert.Single(_marks.Pending);

        // Mended (here: the files are readable again), the next attempt clears both the mark and the failure.
        await Unit(null, new FakeLogger<CompactHour>()).RunAsync(Message(unit, 2), CancellationToken.None);
        Assert.Empty(_failures.Failed);
        Assert.Empty(_marks.Pending);
    }

    [Fact]
    public async Task Unit_MessageThatIsNoUnit_IsLoggedAndDropped_NotRetried()
    {
        var logger = new FakeLogger<CompactHour>();

        await Unit(null, logger)
            .RunAsync(QueuesModelFactory.QueueMessage("m9", "r9", BinaryData.FromString("{\"kind\":\"bake\"}"), 1), CancellationToken.None);

        Assert.Equal(1206, Assert.Single(logger.Collector.GetSnapshot()).Id.Id);
        Assert.Empty(_failures.Failed);
    }

    /// <summary>Landed storage with a file in every hour that cannot be read as Arrow.</summary>
    private sealed class UnreadableHour : ILandedHourStore
    {
        private readonly NothingLanded _empty = new();

        public Task<IReadOnlyList<string>> ListHourAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => Task.FromResult<IReadOnlyList<string>>(["telemetry/gpu/v1/broken.arrow"]);

        public Task<IReadOnlyList<LandedFileRef>> ListHourWithRowsAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => throw new InvalidDataException("telemetry/gpu/v1/broken.arrow is not an Arrow file");

        public Task<IReadOnlyList<LandedBlob>> ListHourBlobsAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => throw new InvalidDataException("telemetry/gpu/v1/broken.arrow is not an Arrow file");

        public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
            throw new InvalidDataException($"{path} is not an Arrow file");

        public Task WriteAsync(
            string path,
            string contentType,
            Func<Stream, CancellationToken, Task<IReadOnlyDictionary<string, string>>> write,
            CancellationToken cancellationToken
        ) => _empty.WriteAsync(path, contentType, write, cancellationToken);

        public Task PutAsync(string path, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
            _empty.PutAsync(path, contentType, content, cancellationToken);

        public Task DeleteAsync(string path, CancellationToken cancellationToken) => _empty.DeleteAsync(path, cancellationToken);
    }

    /// <summary>Landed storage with empty hours: the timer's behaviour, not compaction's, is under test here.</summary>
    private sealed class NothingLanded : ILandedHourStore
    {
        public Task<IReadOnlyList<string>> ListHourAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => Task.FromResult<IReadOnlyList<string>>([]);

        public Task<IReadOnlyList<LandedBlob>> ListHourBlobsAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => Task.FromResult<IReadOnlyList<LandedBlob>>([]);

        public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) => throw new FileNotFoundException(path);

        public Task WriteAsync(
            string path,
            string contentType,
            Func<Stream, CancellationToken, Task<IReadOnlyDictionary<string, string>>> write,
            CancellationToken cancellationToken
        ) => throw new InvalidOperationException("Nothing landed, so nothing is written.");

        public Task PutAsync(string path, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Nothing landed, so nothing is written.");

        public Task DeleteAsync(string path, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
