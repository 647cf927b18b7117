using Azure.Storage.Blobs;

namespace Metrics.Integration.Tests;

/// <summary>
/// The rollup's hours as queued units on Azurite's queues, through the CLI as an operator runs it: a unit that cannot
/// read its hour is tried five times and poisoned, named by the rollup and by <c>metrics status</c>; its hour keeps its
/// marks and holds back no other hour; mended, the plan's missing unit is queued again and the hour is written.
/// </summary>
public sealed class RollupUnitsOnAzuriteTests : IDisposable
{
    private static readonly DateTimeOffset s_good = new(2025, 6, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_bad = s_good.AddHours(2);

    private readonly AzuriteStore _azurite = new();
    private readonly FakeTimeProvider _time = new(s_good.AddHours(6));
    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-rollup-units-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string BadFile => LandingPaths.HourPrefix(TelemetryStream.Gpu, s_bad) + "0-1-1.arrow";

    [Fact]
    public async Task AUnitThatCannotReadItsHour_IsPoisonedAndReported_ItsHourWaits_AndOnceMendedIsWritten()
    {
        string file = Path.Combine(_dir, "gpu.jsonl");
        await File.WriteAllLinesAsync(
            file,
            Enumerable
                .Range(0, 5)
                .Select(m => EventJson.Gpu(node: $"ru{m}", ts: EventJson.Ts(s_good.AddMinutes(m * 10)), gpus: 2).ToJsonString())
        );
        await _azurite.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", file, "--backfill");
        BlobClient bad = _azurite.Clients.Blobs.GetBlobContainerClient(LandingPaths.TelemetryContainer).GetBlobClient(BadFile);
        await bad.UploadAsync(BinaryData.FromString("not an arrow file"));
        var marks = new TableWorkMarks(_azurite.Clients.Tables, _time);
        await marks.MarkAsync(MarkKind.Gpu, [UtcHours.Key(s_bad)], CancellationToken.None);

        (int exit, string output, string error) = await _azurite.RunAsync(_time, null, "rollup");

        Assert.True(exit == 1, error);
        Assert.Contains("failed_hours=1 ", output, StringComparison.Ordinal);
        Assert.Contains($"failed (mark kept for the next run): usage {UtcHours.Key(s_bad)}.", error, StringComparison.Ordinal);
        Assert.Contains("InvalidDataException", error, StringComparison.Ordinal);
        Assert.Equal([UtcHours.Key(s_bad)], (await marks.ListAsync(MarkKind.Gpu, CancellationToken.None)).Select(m => m.Key));
        var poison = (await _azurite.Clients.Queue(QueueWorkQueue.RollupUnits + "-poison").PeekMessagesAsync(32)).Value;
        Assert.StartsWith(UtcHours.Key(s_bad) + ".", WorkUnit.Parse(Assert.Single(poison).Body.ToArray()).Key, StringComparison.Ordinal);
        (_, string status, _) = await _azurite.RunAsync(_time, null, "status");
        Assert.Contains($"units: POISONED usage {UtcHours.Key(s_bad)}.", status, StringComparison.Ordinal);
        // The good hour was written all the same.
        Assert.Contains(",inst-00042,", await _azurite.RunOkAsync(_time, "usage", "--month", "2025-06"), StringComparison.Ordinal);

        // Mended (the bad file moved aside): the next rollup waits for the plan under way; past ReplanAfter it queues
        // the missing unit again, which now runs, and the hour is written.
        await bad.DeleteAsync();
        (exit, _, _) = await _azurite.RunAsync(_time, null, "rollup");
        Assert.Equal(0, exit);
        Assert.NotEmpty(await marks.ListAsync(MarkKind.Gpu, CancellationToken.None));
        _time.Advance(QueuedHours.DefaultReplanAfter);
        Assert.Contains("failed_hours=0 ", await _azurite.RunOkAsync(_time, "rollup"), StringComparison.Ordinal);
        Assert.Empty(await marks.ListAsync(MarkKind.Gpu, CancellationToken.None));
        Assert.Empty(await new TableUnitFailures(_azurite.Clients.Tables).ListAsync(CancellationToken.None));
        (_, status, _) = await _azurite.RunAsync(_time, null, "status");
        Assert.DoesNotContain("units: ", status, StringComparison.Ordinal);
    }

    /// <summary>
    /// The timer's way, on Azurite: each run plans and leaves its units on <c>rollup-units</c> (job slices, hour shards,
    /// days, months), a worker runs them as the queue-triggered function would, and the next run takes up what they
    /// left. After a few ticks the month bills byte for byte as one run that drains its own units.
    /// </summary>
    [Fact]
    public async Task TheTimersWay_UnitsOnTheQueueAndLaterTicks_BillAsOneRunThatDrains()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 7, 2, 6, 0, 0, TimeSpan.Zero));
        string[] simulate = ["simulate", "--institutions", "12", "--nodes", "4", "--gpus-per-node", "4", "--start", "2025-07-01T00:00:00Z"];
        await _azurite.RunOkAsync(time, [.. simulate, "--hours", "5", "--interval-s", "300", "--seed", "7", "--out", _dir]);
        var timerStore = new AzuriteStore();
        foreach (AzuriteStore store in new[] { _azurite, timerStore })
        {
            foreach (string stream in new[] { "jobs", "gpu" })
            {
                await store.RunOkAsync(time, "ingest", "--stream", stream, "--file", Path.Combine(_dir, $"{stream}.jsonl"), "--backfill");
            }
        }

        await _azurite.RunOkAsync(time, "rollup");

        var calendar = BillingCalendar.Create("Asia/Shanghai");
        var marks = new TableWorkMarks(timerStore.Clients.Tables, time);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (int tick = 0; tick < 8 && await PendingAsync(marks) > 0; tick++)
        {
            await BillingStorage.CreateRollup(timerStore.Clients, calendar, time, drain: null).RunPendingAsync(CancellationToken.None);
            var peeked = (await timerStore.Clients.Queue(QueueWorkQueue.RollupUnits).PeekMessagesAsync(32)).Value;
            kinds.UnionWith(peeked.Select(m => WorkUnit.NameOf(WorkUnit.Parse(m.Body.ToArray()).Kind)));
            await timerStore.RunOkAsync(time, "worker", "--queue", "rollup");
        }

        Assert.Equal(0, await PendingAsync(marks));
        Assert.Superset(new HashSet<string> { "jobs", "usage", "day", "month" }, kinds);
        string drained = await _azurite.RunOkAsync(time, "usage", "--month", "2025-07");
        Assert.Contains(",inst-", drained, StringComparison.Ordinal);
        Assert.Equal(drained, await timerStore.RunOkAsync(time, "usage", "--month", "2025-07"));
    }

    private static async Task<int> PendingAsync(TableWorkMarks marks)
    {
        int pending = 0;
        foreach (MarkKind kind in new[] { MarkKind.Gpu, MarkKind.Jobs, MarkKind.Usage, MarkKind.Day, MarkKind.Month })
        {
            pending += (await marks.ListAsync(kind, CancellationToken.None)).Count;
        }

        return pending;
    }
}
