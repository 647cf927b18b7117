namespace Metrics.Core.Tests.Rollup;

/// <summary>
/// A Slurm requeue keeps the job id: the prolog/epilog emit started, ended (exit state REQUEUED), started, ended. Each
/// run is billed for its own interval, and the runs count as one job.
/// </summary>
public sealed class RequeuedJobTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);
    private readonly InMemoryPipeline _pipeline = new();

    private static byte[] Event(string state, string ts, string start, string? end = null, string? exitState = null)
    {
        JsonObject e = EventJson.Job(jobId: "77001", state: state, ts: ts, start: start, end: end, gpus: 2, cpus: 0);
        e["eventId"] = $"hefei-aicc-1:77001:{state}:{ts}";
        if (exitState is not null)
        {
            e["exitState"] = exitState;
        }

        return EventJson.Bytes(e);
    }

    private static readonly byte[][] s_slurmRequeue =
    [
        Event("started", "2026-11-27T10:00:00Z", "2026-11-27T10:00:00Z"),
        Event("ended", "2026-11-27T11:00:00Z", "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z", "REQUEUED"),
        Event("started", "2026-11-27T12:00:00Z", "2026-11-27T12:00:00Z"),
        Event("ended", "2026-11-27T13:00:00Z", "2026-11-27T12:00:00Z", "2026-11-27T13:00:00Z", "COMPLETED"),
    ];

    private Task IngestAsync(IEnumerable<byte[]> bodies, long firstSequence = 0) =>
        _pipeline.IngestAtAsync(s_enqueued, TelemetryStream.Jobs, firstSequence, [.. bodies]);

    [Fact]
    public async Task RequeuedJob_BillsEachRunsOwnInterval_FourGpuHoursNotSix_AndCountsAsOneJob()
    {
        await IngestAsync(s_slurmRequeue);

        await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);

        MonthlyUsage line = Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]);
        Assert.Equal(4m * 3600, line.Seconds.Gpu);
        Assert.Equal(1, line.Jobs);
        Assert.Equal(2, _pipeline.Jobs.States.Count);
        Assert.DoesNotContain(
            _pipeline.Usage.Hours,
            h => h.Key == new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero) && h.Value.Any(l => l.Seconds.Gpu > 0)
        );
    }

    [Fact]
    public async Task RequeuedJob_EventsInAnyOrderAndSeparateRollups_BillTheSame()
    {
        // The second run's events first, each in its own batch and rollup; the first run's end arrives last.
        foreach (int i in new[] { 2, 3, 0, 1 })
        {
            await IngestAsync([s_slurmRequeue[i]], firstSequence: i * 10);
            await _pipeline.Rollup().RunPendingAsync(CancellationToken.None);
        }

        MonthlyUsage line = Assert.Single(_pipeline.Usage.Months[new BillingMonth(2026, 11)]);
        Assert.Equal((4m * 3600, 1), (line.Seconds.Gpu, line.Jobs));
    }
}
