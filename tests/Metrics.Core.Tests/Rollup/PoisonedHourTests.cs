using System.Globalization;

namespace Metrics.Core.Tests.Rollup;

/// <summary>A unit of rollup work that throws keeps its own mark and is reported; every other hour and month completes.</summary>
public sealed class PoisonedHourTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryPipeline _pipeline = new();

    private Task IngestAsync(TelemetryStream stream, params byte[][] bodies) => _pipeline.IngestAtAsync(s_enqueued, stream, 0, bodies);

    /// <summary>A one-GPU job's ended event, arriving a second after it ended (so filed under that hour).</summary>
    private Task LandEndedJobAsync(string jobId, long sequence, string start, string end) =>
        _pipeline.IngestAtAsync(
            DateTimeOffset.Parse(end, CultureInfo.InvariantCulture).AddSeconds(1),
            TelemetryStream.Jobs,
            sequence,
            EventJson.Bytes(EventJson.Job(jobId: jobId, state: "ended", ts: end, start: start, gpus: 1))
        );

    /// <summary>November's one usage line.</summary>
    private MonthlyUsage NovemberLine() => Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]);

    [Fact]
    public async Task UnreadableGpuHour_KeepsItsMark_WhileOtherHoursAndTheMonthComplete()
    {
        await IngestAsync(
            TelemetryStream.Gpu,
            EventJson.Bytes(EventJson.Gpu(node: "gn0001", ts: "2026-11-27T09:30:00Z", gpus: 1, intervalS: 60)),
            EventJson.Bytes(EventJson.Gpu(node: "gn0002", ts: "2026-11-27T11:30:00Z", gpus: 1, intervalS: 60))
        );
        var poisoned = new PoisonedFiles(new InMemoryLandedFiles(_pipeline.Landing), "gpu/v1/date=2026-11-27/hour=09/");

        RollupResult first = await _pipeline.Rollup(poisoned).RunPendingAsync(CancellationToken.None);

        UnitFailure failure = Assert.Single(first.Failures);
        Assert.Equal((MarkKind.Usage, "2026112709"), (failure.Kind, failure.Key));
        Assert.Contains("poisoned", failure.Message, StringComparison.Ordinal);
        Assert.Equal((1, 0, 1), (first.FailedHours, first.FailedMonths, first.HoursRecomputed));
        Assert.True(_pipeline.Usage.Hours.ContainsKey(new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero)));
        Assert.False(_pipeline.Usage.Hours.ContainsKey(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)));
        MonthlyUsage partial = NovemberLine();
        Assert.Equal(60m, partial.Seconds.ObservedGpu);
        Assert.Equal(["gpu:2026112709"], _pipeline.Marks.RollupPending.Select(m => $"{m.Kind.ToString().ToLowerInvariant()}:{m.Key}"));

        poisoned.Healed = true;
        RollupResult second = await _pipeline.Rollup(poisoned).RunPendingAsync(CancellationToken.None);

        Assert.Empty(second.Failures);
        Assert.Empty(_pipeline.Marks.RollupPending);
        Assert.Equal(120m, NovemberLine().Seconds.ObservedGpu);
    }

    [Fact]
    public async Task JobHourWhoseFoldFails_FailsAlone_NotTheOtherHoursFoldedWithIt()
    {
        // Two jobs reported in two hours, folded as one unit; writing hour 08's rows fails.
        await LandEndedJobAsync("1", 0, "2026-11-27T08:00:00Z", "2026-11-27T08:30:00Z");
        await LandEndedJobAsync("2", 1, "2026-11-27T10:00:00Z", "2026-11-27T10:30:00Z");
        _pipeline.Usage.FailJobHoursOf = "2026112708";

        RollupResult first = await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        UnitFailure failure = Assert.Single(first.Failures);
        Assert.Equal((MarkKind.Jobs, "2026112708"), (failure.Kind, failure.Key));
        Assert.Equal(1800m, NovemberLine().Seconds.Gpu);
        Assert.Contains(_pipeline.Marks.Pending.Keys, m => m.Kind == MarkKind.Jobs && m.Key == "2026112708");

        _pipeline.Usage.FailJobHoursOf = null;
        RollupResult second = await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        Assert.Empty(second.Failures);
        Assert.Equal(3600m, NovemberLine().Seconds.Gpu);
    }

    [Fact]
    public async Task UnreadableJobHour_KeepsItsMark_WhileOtherJobHoursAreBilled()
    {
        await LandEndedJobAsync("1", 0, "2026-11-27T08:00:00Z", "2026-11-27T09:00:00Z");
        await LandEndedJobAsync("2", 1, "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z");
        var poisoned = new PoisonedFiles(new InMemoryLandedFiles(_pipeline.Landing), "jobs/v1/date=2026-11-27/hour=09/");

        RollupResult first = await _pipeline.Rollup(poisoned).RunPendingAsync(CancellationToken.None);

        UnitFailure failure = Assert.Single(first.Failures);
        Assert.Equal((MarkKind.Jobs, "2026112709"), (failure.Kind, failure.Key));
        Assert.Equal(3600m, NovemberLine().Seconds.Gpu);

        poisoned.Healed = true;
        await _pipeline.Rollup(poisoned).RunPendingAsync(CancellationToken.None);

        Assert.Equal(7200m, NovemberLine().Seconds.Gpu);
        Assert.Empty(_pipeline.Marks.RollupPending);
    }

    [Fact]
    public async Task LostLock_StopsTheRun_InsteadOfBeingCountedAsAFailedHour()
    {
        await IngestAsync(TelemetryStream.Gpu, EventJson.Bytes(EventJson.Gpu(ts: "2026-11-27T09:30:00Z", gpus: 1)));
        using var cancelled = new CancellationTokenSource();
        var cancelling = new PoisonedFiles(new InMemoryLandedFiles(_pipeline.Landing), "gpu/", onOpen: cancelled.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _pipeline.Rollup(cancelling).RunPendingAsync(cancelled.Token));

        Assert.NotEmpty(_pipeline.Marks.RollupPending);
    }

    /// <summary>Landed files where every file under a prefix throws on open, until healed.</summary>
    private sealed class PoisonedFiles(ILandedFiles inner, string poisonedPrefix, Action? onOpen = null) : ILandedFiles
    {
        public bool Healed { get; set; }

        public Task<IReadOnlyList<string>> ListHourAsync(
            TelemetryStream stream,
            DateTimeOffset hour,
            CancellationToken cancellationToken
        ) => inner.ListHourAsync(stream, hour, cancellationToken);

        public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken)
        {
            if (!Healed && path.Contains(poisonedPrefix, StringComparison.Ordinal))
            {
                onOpen?.Invoke();
                cancellationToken.ThrowIfCancellationRequested();
                throw new InvalidDataException($"poisoned file {path}");
            }

            return inner.OpenAsync(path, cancellationToken);
        }
    }
}
