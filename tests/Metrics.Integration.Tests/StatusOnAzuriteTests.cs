namespace Metrics.Integration.Tests;

/// <summary>
/// <c>metrics status</c> on a store of its own: pending billing work and its age, a stale status exiting 1 (the health
/// check), the last rollup's record, the day's dead letters and the closed months.
/// </summary>
public sealed class StatusOnAzuriteTests : IDisposable
{
    private readonly AzuriteStore _azurite = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 5, 0, TimeSpan.Zero));
    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-status-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Status_ShowsPendingWork_GoesStaleWhenTheRollupDoesNotRun_AndRecordsTheLastRollup()
    {
        // One node sample of the 09:00 hour, and one event that is not JSON at all.
        string file = Path.Combine(_dir, "gpu.jsonl");
        await File.WriteAllTextAsync(file, EventJson.Gpu(ts: "2026-11-27T09:00:15Z").ToJsonString() + "\n{not json\n");
        await _azurite.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", file);

        string fresh = await _azurite.RunOkAsync(_time, "status");
        Assert.Contains("marks: gpu pending=1 oldest=0m (billing)", fresh, StringComparison.Ordinal);
        Assert.Contains("last rollup: none recorded", fresh, StringComparison.Ordinal);
        Assert.Contains("dead letters (24 h): gpu=1: malformed-json=1", fresh, StringComparison.Ordinal);
        Assert.Contains("dead letters (24 h): jobs=0\n", fresh, StringComparison.Ordinal);
        Assert.Contains("landed: gpu newest hour 2026-11-27T09Z (5m since it began)", fresh, StringComparison.Ordinal);
        Assert.Contains("landed: jobs nothing yet", fresh, StringComparison.Ordinal);
        Assert.Contains("billing: fresh (limit 60 min)", fresh, StringComparison.Ordinal);

        // 90 minutes on, the hour still waits: stale against the default hour, fresh against two.
        _time.Advance(TimeSpan.FromMinutes(90));
        (int exit, string stale, _) = await _azurite.RunAsync(_time, null, "status");
        Assert.Equal(1, exit);
        Assert.Contains("marks: gpu pending=1 oldest=90m (billing)", stale, StringComparison.Ordinal);
        Assert.Contains("billing: STALE: billing work has waited 90 min (limit 60 min)", stale, StringComparison.Ordinal);
        Assert.Equal(0, (await _azurite.RunAsync(_time, null, "status", "--max-lag-minutes", "120")).Exit);

        // The rollup takes the hour and says so; what is left is compaction's, which does not hold billing back.
        await _azurite.RunOkAsync(_time, "rollup");
        _time.Advance(TimeSpan.FromHours(5));
        string after = await _azurite.RunOkAsync(_time, "status");
        Assert.Contains("marks: gpu pending=0 (billing)", after, StringComparison.Ordinal);
        Assert.Contains("marks: month pending=0 (billing)", after, StringComparison.Ordinal);
        Assert.Contains("marks: compact-gpu pending=1 oldest=5h (compaction)", after, StringComparison.Ordinal);
        Assert.Contains(
            "last rollup: finished 2026-11-27T10:35:00Z (5h ago), ok: job_hours=0 hours=1 months=1 marks_kept=0",
            after,
            StringComparison.Ordinal
        );
        Assert.Contains("months: closed none; open every month up to 2026-11", after, StringComparison.Ordinal);

        // A month close (which runs the rollup first) shows among the closed months.
        await _azurite.RunOkAsync(_time, "close", "--month", "2026-10");
        Assert.Contains("months: closed 2026-10; open 2026-11", await _azurite.RunOkAsync(_time, "status"), StringComparison.Ordinal);
        Assert.Contains("billing: fresh", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsConsole_PrintsTheRunsOwnPipelineMetrics_ToStderr()
    {
        string file = Path.Combine(_dir, "gpu-metrics.jsonl");
        await File.WriteAllTextAsync(file, EventJson.Gpu(ts: "2026-11-27T09:00:15Z", gpus: 4).ToJsonString() + "\n{not json\n");

        (int exit, string output, string error) = await _azurite.RunAsync(
            _time,
            null,
            [.. "--metrics console ingest --stream gpu --file".Split(' '), file]
        );

        Assert.Equal(0, exit);
        Assert.Contains("landed_events=1 landed_rows=4 deadlettered=1", output, StringComparison.Ordinal);
        Assert.Contains(
            "metric: metrics.ingest.events{messaging.destination.name=gpu,outcome=landed} = 1 {event}",
            error,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "metric: metrics.ingest.dead_letters{messaging.destination.name=gpu,reason=malformed-json} = 1 {event}",
            error,
            StringComparison.Ordinal
        );
        Assert.Contains("metric: metrics.ingest.rows{messaging.destination.name=gpu} = 4 {row}", error, StringComparison.Ordinal);
        Assert.Equal(2, (await _azurite.RunAsync(_time, null, "--metrics", "loud", "status")).Exit);
    }
}
