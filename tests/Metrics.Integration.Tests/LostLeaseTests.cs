namespace Metrics.Integration.Tests;

/// <summary>
/// Two rollups that both believe they hold the lock (the first one's lease expired under it during a long pause),
/// interleaved on Azurite's real tables. Job states are saved conditionally on the ETag read, so the stale rollup's
/// save fails instead of overwriting the newer state; it flags the run and its hour, and the next rollup rewrites the
/// run's rows, so billing ends exactly as if the runs had never overlapped.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LostLeaseTests : IDisposable
{
    private readonly AzuriteStore _azurite = new();

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-lease-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    private string Cluster => $"lease-{_run}";

    private string Institution => $"inst-{_run}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task IngestAsync(string name, params string[] states)
    {
        string[] lines = states
            .Select(s =>
                s switch
                {
                    "started" => EventJson.Job(
                        "J",
                        "started",
                        "2026-11-27T10:00:00Z",
                        1,
                        Institution,
                        Cluster,
                        "2026-11-27T10:00:00Z",
                        cpus: 2
                    ),
                    "running" => EventJson.Job(
                        "J",
                        "running",
                        "2026-11-27T10:45:00Z",
                        1,
                        Institution,
                        Cluster,
                        "2026-11-27T10:00:00Z",
                        cpus: 2
                    ),
                    _ => EventJson.Job(
                        "J",
                        "ended",
                        "2026-11-27T11:20:00Z",
                        1,
                        Institution,
                        Cluster,
                        "2026-11-27T10:00:00Z",
                        "2026-11-27T11:20:00Z",
                        cpus: 2
                    ),
                }
            )
            .Select(j => j.ToJsonString())
            .ToArray();
        string path = Path.Combine(_dir, name);
        await File.WriteAllLinesAsync(path, lines);
        await _azurite.RunOkAsync(_time, "ingest", "--stream", "jobs", "--file", path);
    }

    private UsageRollup Rollup(IJobStateStore jobs, IWorkLock rollupLock) =>
        new(
            new TableWorkMarks(_azurite.Clients.Tables, _time),
            new BlobLandedFiles(_azurite.Clients.Blobs),
            jobs,
            new TableUsageStore(_azurite.Clients.Tables),
            rollupLock,
            BillingCalendar.Create("Asia/Shanghai")
        );

    private async Task<decimal> JobGpuSecondsAsync(DateTimeOffset hour) =>
        (await new TableUsageStore(_azurite.Clients.Tables).ReadJobHoursAsync(hour, CancellationToken.None))
            .Where(u => u.Cluster == Cluster)
            .Sum(u => u.GpuSeconds);

    [Fact]
    public async Task TwoRollupsInterleaved_TheStaleOneCannotLoseTheNewerJobUpdate_AndTheNextRunRepairsItsRows()
    {
        var store = new TableJobStateStore(_azurite.Clients.Tables);
        var paused = new PausingJobStateStore(store, Cluster);
        DateTimeOffset ten = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

        // A reads run J (started 10:00, running 10:45) and then stalls past its lease.
        await IngestAsync("hour10.jsonl", "started", "running");
        Task<RollupResult> a = Rollup(paused, new ExpiredLeaseLock(_azurite)).RunPendingAsync(CancellationToken.None);
        await paused.HasRead.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Meanwhile the job ends, and B (which took the expired lock) folds all its events and saves the ended state.
        await IngestAsync("hour11.jsonl", "ended");
        RollupResult b = await Rollup(store, new ExpiredLeaseLock(_azurite)).RunPendingAsync(CancellationToken.None);
        Assert.Empty(b.Failures);
        Assert.Equal(3600m, await JobGpuSecondsAsync(ten));

        // A wakes up: its rows for hour 10 are stale (45 minutes), and its save must fail rather than win. Its job
        // hour stays marked; then its first hour replacement meets B's generation, and the run stops there.
        paused.Resume.SetResult();
        FencedWriteException fenced = await Assert.ThrowsAsync<FencedWriteException>(() => a);
        Assert.True(fenced.Newer > fenced.Generation);
        StoredJobState flagged = (await store.GetAsync(Cluster, "J", ten, CancellationToken.None))!;
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 11, 20, 0, TimeSpan.Zero), flagged.State.EndTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 11, 20, 0, TimeSpan.Zero), flagged.UnsettledUntil);
        Assert.Equal(2700m, await JobGpuSecondsAsync(ten));

        // The next rollup, with the real lock, rewrites the flagged run's rows whole.
        RollupResult next = await BillingStorage
            .CreateRollupHere(_azurite.Clients, BillingCalendar.Create("Asia/Shanghai"), _time)
            .RunPendingAsync(CancellationToken.None);

        Assert.Empty(next.Failures);
        Assert.Equal(3600m, await JobGpuSecondsAsync(ten));
        Assert.Equal(1200m, await JobGpuSecondsAsync(ten.AddHours(1)));
        StoredJobState settled = (await store.GetAsync(Cluster, "J", ten, CancellationToken.None))!;
        Assert.Null(settled.UnsettledUntil);
        string csv = await _azurite.RunOkAsync(_time, "usage", "--month", "2026-11", "--institution", Institution);
        Assert.Contains($"2026-11,{Institution},H100-SXM5-80GB,1,1.3333,", csv, StringComparison.Ordinal);
    }

    /// <summary>
    /// A rollup that computed an hour from what had landed, then stalled past its lease (held after it read the hour's
    /// fence, before its first transaction) while a late file landed and another rollup billed everything: the stale one's
    /// write is fenced out, and finance's usage CSV is byte for byte what one clean rollup of the same files gives.
    /// </summary>
    [Fact]
    public async Task AStaleRollupWakingToWriteAnHour_IsFencedOut_AndTheUsageIsByteForByteACleanRunOfTheSameFiles()
    {
        DateTimeOffset ten = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await IngestAsync("jobs.jsonl", "started", "ended");
        string jobs = Path.Combine(_dir, "jobs.jsonl");
        string first = await GpuFileAsync("gpu-first.jsonl", "n1", ten);
        string late = await GpuFileAsync("gpu-late.jsonl", "n2", ten.AddMinutes(30));

        // The clean run: the same files, then one rollup, on a store of its own.
        var clean = new AzuriteStore();
        await clean.RunOkAsync(_time, "ingest", "--stream", "jobs", "--file", jobs);
        await clean.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", first);
        await clean.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", late);
        await clean.RunOkAsync(_time, "rollup");
        string expected = await clean.RunOkAsync(_time, "usage", "--month", "2026-11");

        await _azurite.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", first);
        var hold = new HoldBatchAfterHourRead();
        var held = new StorageClients(_azurite.Settings, [hold]);
        var stale = new UsageRollup(
            new TableWorkMarks(held.Tables, _time),
            new BlobLandedFiles(held.Blobs),
            new TableJobStateStore(held.Tables),
            new TableUsageStore(held.Tables),
            new ExpiredLeaseLock(_azurite),
            BillingCalendar.Create("Asia/Shanghai")
        );
        Task<RollupResult> a = stale.RunPendingAsync(CancellationToken.None);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        await _azurite.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", late);
        await _azurite.RunOkAsync(_time, "rollup");
        hold.Release.SetResult();

        FencedWriteException fenced = await Assert.ThrowsAsync<FencedWriteException>(() => a);
        Assert.Contains("hourlyusage/20261127", fenced.Target, StringComparison.Ordinal);
        Assert.Contains($"{Institution},H100-SXM5-80GB,1,1.3333,0.8700,1.0000,", expected, StringComparison.Ordinal);
        Assert.Equal(expected, await _azurite.RunOkAsync(_time, "usage", "--month", "2026-11"));
    }

    /// <summary>A file of one GPU's samples of job J, a minute apart for half an hour from <paramref name="from"/>.</summary>
    private async Task<string> GpuFileAsync(string name, string node, DateTimeOffset from)
    {
        string path = Path.Combine(_dir, name);
        await File.WriteAllLinesAsync(
            path,
            Enumerable
                .Range(0, 30)
                .Select(i =>
                    EventJson
                        .Gpu(node: node, ts: EventJson.Ts(from.AddMinutes(i)), gpus: 1, jobId: "J", institution: Institution, intervalS: 60)
                        .ToJsonString()
                )
        );
        return path;
    }

    /// <summary>
    /// Holds the first table transaction sent after a request to the hourly usage table (the fence read of an hour's
    /// replacement) until released.
    /// </summary>
    private sealed class HoldBatchAfterHourRead : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _armed;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(
            Azure.Core.HttpMessage message,
            ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline
        )
        {
            string path = message.Request.Uri.Path;
            if (path.Contains(StorageTables.HourlyUsage, StringComparison.Ordinal))
            {
                Interlocked.CompareExchange(ref _armed, 1, 0);
            }
            else if (path.EndsWith("$batch", StringComparison.Ordinal) && Interlocked.CompareExchange(ref _armed, 2, 1) == 1)
            {
                Reached.SetResult();
                await Release.Task.ConfigureAwait(false);
            }

            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
    }

    /// <summary>The real store, with the rollup stalled right after it reads the runs of the test's cluster.</summary>
    private sealed class PausingJobStateStore(IJobStateStore inner, string cluster) : IJobStateStore
    {
        public TaskCompletionSource HasRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Resume { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<StoredJobState?> GetAsync(
            string runCluster,
            string jobId,
            DateTimeOffset runStart,
            CancellationToken cancellationToken
        )
        {
            StoredJobState? state = await inner.GetAsync(runCluster, jobId, runStart, cancellationToken);
            if (runCluster == cluster && HasRead.TrySetResult())
            {
                await Resume.Task.WaitAsync(cancellationToken);
            }

            return state;
        }

        public async Task<IReadOnlyDictionary<JobRunKey, StoredJobState>> GetManyAsync(
            IReadOnlyCollection<JobRunKey> runs,
            CancellationToken cancellationToken
        )
        {
            IReadOnlyDictionary<JobRunKey, StoredJobState> states = await inner.GetManyAsync(runs, cancellationToken);
            if (runs.Any(r => r.Cluster == cluster) && HasRead.TrySetResult())
            {
                await Resume.Task.WaitAsync(cancellationToken);
            }

            return states;
        }

        public Task<string> SaveAsync(
            JobBillingState state,
            DateTimeOffset? unsettledUntil,
            string? expectedVersion,
            CancellationToken cancellationToken
        ) => inner.SaveAsync(state, unsettledUntil, expectedVersion, cancellationToken);

        // The stale save goes through the store's table transactions, as in production.
        public Task<JobStateSaveResult> SaveManyAsync(IReadOnlyList<JobStateSave> saves, CancellationToken cancellationToken) =>
            inner.SaveManyAsync(saves, cancellationToken);
    }
}
