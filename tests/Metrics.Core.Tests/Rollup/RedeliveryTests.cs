namespace Metrics.Core.Tests.Rollup;

/// <summary>
/// At-least-once delivery as the Event Hubs host does it: a batch that failed on storage is retried whole, and after a
/// crash the same events come back with different batch bounds. Billing must come out identical to one clean delivery.
/// </summary>
public sealed class RedeliveryTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly BillingMonth s_november = new(2026, 11);

    private static readonly RawEvent[] s_gpu = Enumerable
        .Range(0, 60)
        .Select(i => new RawEvent(
            EventJson.Bytes(
                EventJson.Gpu(node: $"gn{i % 6:D4}", ts: EventJson.Ts(s_enqueued.AddSeconds(-30 * (i + 1))), gpus: 2, utilPct: i % 100)
            ),
            i,
            s_enqueued
        ))
        .ToArray();

    private static readonly RawEvent[] s_jobs =
    [
        new(
            EventJson.Bytes(
                EventJson.Job(jobId: "1", state: "running", ts: "2026-11-27T11:00:00Z", start: "2026-11-27T10:00:00Z", gpus: 2)
            ),
            0,
            s_enqueued
        ),
        new(
            EventJson.Bytes(EventJson.Job(jobId: "1", state: "ended", ts: "2026-11-27T11:30:00Z", start: "2026-11-27T10:00:00Z", gpus: 2)),
            1,
            s_enqueued
        ),
        new(
            EventJson.Bytes(EventJson.Job(jobId: "2", state: "ended", ts: "2026-11-27T11:45:00Z", start: "2026-11-27T09:15:00Z", gpus: 4)),
            2,
            s_enqueued
        ),
    ];

    private sealed class World
    {
        public InMemoryLandingStore Landing { get; } = new();
        public InMemoryWorkMarks Marks { get; } = new();
        public InMemoryUsageStore Usage { get; } = new();
        public IngestPipeline Pipeline => new(Landing, Marks);

        public Task IngestAsync(TelemetryStream stream, IEnumerable<RawEvent> events) =>
            Pipeline.IngestAsync(new EventBatch(stream, "0", events.ToArray()), CancellationToken.None);

        public async Task<IReadOnlyList<MonthlyUsage>> BillAsync()
        {
            await new UsageRollup(
                Marks,
                new InMemoryLandedFiles(Landing),
                new InMemoryJobStateStore(),
                Usage,
                new InMemoryWorkLock(),
                BillingCalendar.Create("Asia/Shanghai")
            ).RunPendingAsync(CancellationToken.None);
            return Usage.Months[s_november];
        }
    }

    private static async Task<IReadOnlyList<MonthlyUsage>> CleanAsync()
    {
        var clean = new World();
        await clean.IngestAsync(TelemetryStream.Gpu, s_gpu);
        await clean.IngestAsync(TelemetryStream.Jobs, s_jobs);
        return await clean.BillAsync();
    }

    [Fact]
    public async Task StorageOutageMidBatch_ThenTheRetriedBatch_BillsLikeOneCleanDelivery()
    {
        var world = new World();
        await world.IngestAsync(TelemetryStream.Gpu, s_gpu[..20]);
        world.Landing.FailWith = new IOException("storage unreachable");

        await Assert.ThrowsAsync<IOException>(() => world.IngestAsync(TelemetryStream.Gpu, s_gpu[20..]));
        world.Landing.FailWith = null;
        await world.IngestAsync(TelemetryStream.Gpu, s_gpu[20..]);
        await world.IngestAsync(TelemetryStream.Jobs, s_jobs);

        Assert.Equal(await CleanAsync(), await world.BillAsync());
    }

    [Fact]
    public async Task RedeliveryWithDifferentBatchBounds_BillsLikeOneCleanDelivery()
    {
        var world = new World();

        // First delivery in batches of 25 (the host then crashed before checkpointing); redelivered in batches of 7 and
        // 40, overlapping the first: the same events and sequence numbers, landed under different file names.
        foreach (RawEvent[] batch in s_gpu.Chunk(25).Concat(s_gpu.Chunk(7)).Concat(s_gpu.Chunk(40)))
        {
            await world.IngestAsync(TelemetryStream.Gpu, batch);
        }

        foreach (RawEvent[] batch in s_jobs.Chunk(2).Concat(s_jobs.Chunk(1)))
        {
            await world.IngestAsync(TelemetryStream.Jobs, batch);
        }

        IReadOnlyList<MonthlyUsage> clean = await CleanAsync();
        Assert.True(world.Landing.Files.Count > 10);
        Assert.Equal(clean, await world.BillAsync());
        Assert.Equal(((2 * 1.5m) + (4 * 2.5m)) * 3600, clean.Sum(l => l.Seconds.Gpu));
    }
}
