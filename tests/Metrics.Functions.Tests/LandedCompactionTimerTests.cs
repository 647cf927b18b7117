using Metrics.Core.Compaction;
using Metrics.Functions.Compaction;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Functions.Tests;

/// <summary>The compaction timer as the host calls it. Compaction itself is tested on Azurite (CompactionOnAzuriteTests).</summary>
public sealed class LandedCompactionTimerTests
{
    private readonly InMemoryWorkMarks _marks = new();
    private readonly InMemoryWorkLock _lock = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 30, 0, TimeSpan.Zero));

    private LandedCompaction Compaction(IWorkLock? rollupLock = null) =>
        new(_marks, new HourCompactor(new NothingLanded(), _time), rollupLock ?? _lock, _time) { Grace = TimeSpan.FromMinutes(60) };

    [Fact]
    public async Task Run_CompactsHoursPastTheirGrace_KeepsTheOthersMarked_AndLogs()
    {
        // At 12:30 with an hour's grace, 10:00-11:00 is due (it ended at 11:00) and 11:00-12:00 is not (12:00 + 60 min).
        await _marks.MarkAsync(MarkKind.CompactGpu, ["2026112710", "2026112711"], CancellationToken.None);
        await _marks.MarkAsync(MarkKind.CompactJobs, ["2026112710"], CancellationToken.None);
        var logger = new FakeLogger<LandedCompactionTimer>();

        await new LandedCompactionTimer(Compaction(), logger).RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal([(MarkKind.CompactGpu, "2026112711")], _marks.Pending.Keys.ToArray());
        FakeLogRecord completed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1200);
        Assert.Contains("1 hours not yet due; 0 failed", completed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LockHeld_SkipsWithoutFailing()
    {
        var logger = new FakeLogger<LandedCompactionTimer>();
        await using IWorkLease held = await _lock.AcquireAsync(TimeSpan.Zero, CancellationToken.None);

        await new LandedCompactionTimer(Compaction(_lock.Impatient()), logger).RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1202);
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
