using Metrics.Core.Compaction;

namespace Metrics.Integration.Tests;

/// <summary>
/// Compaction as queued units on Azurite's queues, through the CLI as an operator runs it: a stream-hour that cannot be
/// compacted is tried five times and poisoned, named with its error by <c>metrics status</c>, and holds back neither
/// the other hour nor the next run; a duplicate unit finds nothing left to do.
/// </summary>
public sealed class CompactionQueueOnAzuriteTests : IDisposable
{
    private static readonly DateTimeOffset s_good = new(2025, 5, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_bad = s_good.AddHours(1);

    private readonly AzuriteStore _azurite = new();
    private readonly FakeTimeProvider _time = new(s_good.AddHours(6));
    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-compact-queue-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task APoisonedHour_IsRetriedThenParkedAndReported_AndNeverHoldsBackTheOthers()
    {
        // The good hour: a few samples landed by the CLI. The bad hour: a file that is no Arrow at all.
        string file = Path.Combine(_dir, "gpu.jsonl");
        await File.WriteAllLinesAsync(
            file,
            Enumerable
                .Range(0, 5)
                .Select(m => EventJson.Gpu(node: $"q{m}", ts: EventJson.Ts(s_good.AddMinutes(m * 10)), gpus: 2).ToJsonString())
        );
        await _azurite.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", file, "--backfill");
        await _azurite
            .Clients.Blobs.GetBlobContainerClient(LandingPaths.TelemetryContainer)
            .GetBlobClient(LandingPaths.HourPrefix(TelemetryStream.Gpu, s_bad) + "0-1-1.arrow")
            .UploadAsync(BinaryData.FromString("not an arrow file"));
        var marks = new TableWorkMarks(_azurite.Clients.Tables, _time);
        await marks.MarkAsync(MarkKind.CompactGpu, [UtcHours.Key(s_good), UtcHours.Key(s_bad)], CancellationToken.None);

        (int exit, string output, string error) = await _azurite.RunAsync(_time, null, "compact");

        Assert.Equal(1, exit);
        Assert.Contains("stream_hours=1 ", output, StringComparison.Ordinal);
        Assert.Contains($"failed (mark kept for the next run): compactgpu {UtcHours.Key(s_bad)}: ", error, StringComparison.Ordinal);
        Assert.Equal(
            [(MarkKind.CompactGpu, UtcHours.Key(s_bad))],
            (await marks.ListAsync(MarkKind.CompactGpu, CancellationToken.None)).Select(m => (m.Kind, m.Key))
        );
        var queue = CompactionStorage.Queue(_azurite.Clients);
        Assert.Equal([new WorkUnit(MarkKind.CompactGpu, UtcHours.Key(s_bad))], await queue.PeekPoisonedAsync(CancellationToken.None));
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromSeconds(1), CancellationToken.None));

        FailedUnit failed = Assert.Single(await new TableUnitFailures(_azurite.Clients.Tables).ListAsync(CancellationToken.None));
        Assert.Equal((QueuedUnitRunner.MaxAttempts, true), (failed.Attempts, failed.Poisoned));
        (_, string status, _) = await _azurite.RunAsync(_time, null, "status");
        Assert.Contains($"units: POISONED compact-gpu {UtcHours.Key(s_bad)} after 5 attempt(s)", status, StringComparison.Ordinal);

        // A duplicate of the good hour's unit (a timer that planned it twice) finds its mark gone: nothing is rewritten.
        IReadOnlyList<string> compacted = await new BlobLandedFiles(_azurite.Clients.Blobs).ListHourAsync(
            TelemetryStream.Gpu,
            s_good,
            CancellationToken.None
        );
        await queue.EnqueueAsync([new WorkUnit(MarkKind.CompactGpu, UtcHours.Key(s_good))], CancellationToken.None);
        Assert.Contains("done=1 failed_attempts=0 poisoned=0", await _azurite.RunOkAsync(_time, "worker"), StringComparison.Ordinal);
        Assert.Equal(
            compacted,
            await new BlobLandedFiles(_azurite.Clients.Blobs).ListHourAsync(TelemetryStream.Gpu, s_good, CancellationToken.None)
        );
        Assert.Equal([LandingPaths.CompactedFile(TelemetryStream.Gpu, s_good, 1)], compacted);

        // Mended (the bad file moved aside), the next run plans the hour again and its failure is forgotten.
        await _azurite
            .Clients.Blobs.GetBlobContainerClient(LandingPaths.TelemetryContainer)
            .DeleteBlobAsync(LandingPaths.HourPrefix(TelemetryStream.Gpu, s_bad) + "0-1-1.arrow");
        await _azurite.RunOkAsync(_time, "compact");
        Assert.Empty(await new TableUnitFailures(_azurite.Clients.Tables).ListAsync(CancellationToken.None));
        Assert.Empty(await marks.ListAsync(MarkKind.CompactGpu, CancellationToken.None));
        (_, status, _) = await _azurite.RunAsync(_time, null, "status");
        Assert.DoesNotContain("units: ", status, StringComparison.Ordinal);
    }

    /// <summary>
    /// Four workers take one queue of stream-hours at once; one dies in the middle of its unit (after reading its hour,
    /// before writing), and its unit is taken by another once its visibility lapses. Every hour ends compacted once, and
    /// the month bills byte for byte as before compaction.
    /// </summary>
    [Fact]
    public async Task FourWorkersAtOnce_OneKilledMidUnit_CompactEveryHourOnce_AndBillingIsUnchanged()
    {
        DateTimeOffset[] hours = Enumerable.Range(0, 6).Select(h => s_good.AddHours(h)).ToArray();
        string file = Path.Combine(_dir, "gpu.jsonl");
        await File.WriteAllLinesAsync(
            file,
            hours.SelectMany(h =>
                Enumerable
                    .Range(0, 6)
                    .Select(m => EventJson.Gpu(node: $"w{m % 3}", ts: EventJson.Ts(h.AddMinutes(m * 10)), gpus: 2).ToJsonString())
            )
        );
        await _azurite.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", file, "--backfill");
        await _azurite.RunOkAsync(_time, "rollup");
        string month = BillingCalendar.Create(null).MonthOf(s_good).ToString();
        string before = await _azurite.RunOkAsync(_time, "usage", "--month", month);
        var marks = new TableWorkMarks(_azurite.Clients.Tables, _time);
        // The six hours, and the hour before the first, which its first samples' intervals reach into.
        int marked = (await marks.ListAsync(MarkKind.CompactGpu, CancellationToken.None)).Count;
        Assert.InRange(marked, hours.Length, hours.Length + 1);

        QueueWorkQueue queue = CompactionStorage.Queue(_azurite.Clients);
        LandedCompaction Compaction(ILandedHourStore landed) =>
            new(marks, new HourCompactor(landed, _time), new BlobWorkLock(_azurite.Clients.Blobs), _time) { Grace = TimeSpan.Zero };
        Assert.Equal(
            marked,
            (await Compaction(new BlobLandedFiles(_azurite.Clients.Blobs)).PlanAsync(queue, CancellationToken.None)).Units.Count
        );
        UnitWorker Worker() =>
            new(CompactionStorage.Queue(_azurite.Clients), CompactionStorage.Runner(_azurite.Clients, _time))
            {
                Visibility = TimeSpan.FromSeconds(3),
            };

        using var killed = new CancellationTokenSource();
        LandedCompaction dying = Compaction(
            new ActBeforeFirstWrite(new BlobLandedFiles(_azurite.Clients.Blobs), () => killed.CancelAsync())
        );
        Task<UnitWorkerResult> victim = Worker().RunUntilEmptyAsync((u, ct) => dying.RunUnitAsync(u, ct), killed.Token);
        Task<UnitWorkerResult>[] others = Enumerable
            .Range(0, 3)
            .Select(_ =>
            {
                LandedCompaction compaction = Compaction(new BlobLandedFiles(_azurite.Clients.Blobs));
                return Worker().RunUntilEmptyAsync((u, ct) => compaction.RunUnitAsync(u, ct), CancellationToken.None);
            })
            .ToArray();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => victim);
        UnitWorkerResult[] done = await Task.WhenAll(others);
        Assert.All(done, d => Assert.Equal(0, d.FailedAttempts));

        // The dead worker's unit comes back once its visibility lapses, and a worker finishes it (one of the three, if they
        // were still at work by then). The victim may have finished a unit with nothing to write (the hour before the
        // first) before it died on one that had.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        LandedCompaction last = Compaction(new BlobLandedFiles(_azurite.Clients.Blobs));
        UnitWorkerResult late = await Worker().RunUntilEmptyAsync((u, ct) => last.RunUnitAsync(u, ct), CancellationToken.None);
        Assert.InRange(done.Sum(d => d.Done) + late.Done, marked - 1, marked);

        Assert.Empty(await marks.ListAsync(MarkKind.CompactGpu, CancellationToken.None));
        Assert.Empty(await new TableUnitFailures(_azurite.Clients.Tables).ListAsync(CancellationToken.None));
        foreach (DateTimeOffset hour in hours)
        {
            Assert.Equal(
                [LandingPaths.CompactedFile(TelemetryStream.Gpu, hour, 1)],
                await new BlobLandedFiles(_azurite.Clients.Blobs).ListHourAsync(TelemetryStream.Gpu, hour, CancellationToken.None)
            );
        }

        await _azurite.RunOkAsync(_time, "rollup", "--from", $"{hours[0]:yyyy-MM-dd'T'HH}", "--to", $"{hours[^1]:yyyy-MM-dd'T'HH}");
        Assert.Equal(before, await _azurite.RunOkAsync(_time, "usage", "--month", month));
    }
}
