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
}
