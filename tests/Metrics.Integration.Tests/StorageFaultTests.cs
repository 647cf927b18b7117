using Azure.Storage.Blobs.Models;

namespace Metrics.Integration.Tests;

/// <summary>
/// Storage faults on real parts: Azurite behind a TCP proxy that cuts every connection part-way through a batch, or
/// swallows a lease renewal. The retried batch must bill exactly like a clean delivery, and a rollup must learn it lost
/// its lock before the lease can expire.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class StorageFaultTests
{
    private readonly AzuriteStore _azurite = new();

    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    private StorageClients Through(FaultyProxy blobs, FaultyProxy tables) =>
        new(
            new StorageSettings
            {
                NamePrefix = _azurite.Prefix,
                ConnectionString =
                    $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
                    + $"BlobEndpoint=http://127.0.0.1:{blobs.Port}/devstoreaccount1;"
                    + $"TableEndpoint=http://127.0.0.1:{tables.Port}/devstoreaccount1;",
                MaxRetries = 1,
            }
        );

    private (FaultyProxy Blobs, FaultyProxy Tables) Proxies() =>
        (new FaultyProxy(_azurite.Clients.Blobs.Uri.Port), new FaultyProxy(_azurite.Clients.Tables.Uri.Port));

    /// <summary>One tenant's day: 3 hours of 5-minute samples from 4 nodes running one 8-GPU job, and the job's events.</summary>
    private (EventBatch Gpu, EventBatch Jobs) Batches(string tenant)
    {
        string cluster = $"{tenant}-{_run}",
            institution = $"inst-{tenant}-{_run}";
        var gpu = new List<byte[]>();
        for (int minute = 5; minute <= 180; minute += 5)
        {
            string ts = EventJson.Ts(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero).AddMinutes(minute));
            for (int node = 0; node < 4; node++)
            {
                JsonObject e = EventJson.Gpu(
                    node: $"{tenant}n{node}",
                    ts: ts,
                    gpus: 8,
                    jobId: "J",
                    institution: institution,
                    utilPct: 40 + node,
                    intervalS: 300
                );
                e["cluster"] = cluster;
                gpu.Add(EventJson.Bytes(e));
            }
        }

        byte[][] jobs =
        [
            EventJson.Bytes(EventJson.Job("J", "started", "2026-11-27T08:00:00Z", 32, institution, cluster, "2026-11-27T08:00:00Z")),
            EventJson.Bytes(EventJson.Job("J", "running", "2026-11-27T09:30:00Z", 32, institution, cluster, "2026-11-27T08:00:00Z")),
            EventJson.Bytes(
                EventJson.Job(
                    "J",
                    "ended",
                    "2026-11-27T10:40:00Z",
                    32,
                    institution,
                    cluster,
                    "2026-11-27T08:00:00Z",
                    "2026-11-27T10:40:00Z"
                )
            ),
        ];
        return (Batch(TelemetryStream.Gpu, $"{tenant}{_run}", gpu), Batch(TelemetryStream.Jobs, $"{tenant}{_run}", jobs));
    }

    private static EventBatch Batch(TelemetryStream stream, string partition, IReadOnlyList<byte[]> bodies) =>
        new(stream, partition, bodies.Select((b, i) => new RawEvent(b, 5000 + i, s_enqueued)).ToArray());

    private static IngestPipeline Pipeline(StorageClients clients) =>
        new(new BlobLandingStore(clients.Blobs), new TableWorkMarks(clients.Tables, TimeProvider.System));

    private async Task<string> UsageAsync(string tenant) =>
        (await _azurite.RunOkAsync(_time, "usage", "--month", "2026-11", "--institution", $"inst-{tenant}-{_run}")).Replace(
            $"{tenant}-{_run}",
            "TENANT",
            StringComparison.Ordinal
        );

    [Fact]
    public async Task ConnectionsCutPartWayThroughABatch_ThenTheRetriedBatch_BillsExactlyLikeACleanDelivery()
    {
        (FaultyProxy blobs, FaultyProxy tables) = Proxies();
        await using (blobs)
        await using (tables)
        {
            StorageClients proxied = Through(blobs, tables);

            // The store is new: make its landing container first, so that the clean delivery measured below is one
            // upload, not a refused one, a container creation and the upload again.
            await _azurite.Clients.Blobs.GetBlobContainerClient(LandingPaths.TelemetryContainer).CreateIfNotExistsAsync();

            // The clean delivery, through the proxy too, to measure how many request bytes one batch sends.
            (EventBatch cleanGpu, EventBatch cleanJobs) = Batches("clean");
            long before = blobs.BytesUp;
            IngestResult clean = await Pipeline(proxied).IngestAsync(cleanGpu, CancellationToken.None);
            long gpuBatchBlobBytes = blobs.BytesUp - before;
            await Pipeline(proxied).IngestAsync(cleanJobs, CancellationToken.None);

            // The faulty delivery: the line dies half-way through the landed file's upload, then again half-way
            // through the job batch; each batch fails as a whole (the host would retry it) and is delivered again.
            (EventBatch gpu, EventBatch jobs) = Batches("fault");
            blobs.CutAfter(gpuBatchBlobBytes / 2);
            await Assert.ThrowsAnyAsync<Exception>(() => Pipeline(proxied).IngestAsync(gpu, CancellationToken.None));
            Assert.True(blobs.IsDown, "the cut happened during the batch");
            blobs.Restore();
            tables.CutAfter(200);
            await Assert.ThrowsAnyAsync<Exception>(() => Pipeline(proxied).IngestAsync(jobs, CancellationToken.None));
            Assert.True(tables.IsDown);
            tables.Restore();

            IngestResult retried = await Pipeline(proxied).IngestAsync(gpu, CancellationToken.None);
            await Pipeline(proxied).IngestAsync(jobs, CancellationToken.None);

            Assert.Equal(
                (clean.Events, clean.LandedEvents, clean.LandedRows, clean.DeadLettered),
                (retried.Events, retried.LandedEvents, retried.LandedRows, retried.DeadLettered)
            );
        }

        await _azurite.RunOkAsync(_time, "rollup");
        string cleanUsage = await UsageAsync("clean");
        string faultUsage = await UsageAsync("fault");

        // 32 GPUs x 2 h 40 min = 85.3333 GPU-hours, once, in both.
        Assert.True(cleanUsage.Contains(",inst-TENANT,H100-SXM5-80GB,1,85.3333,", StringComparison.Ordinal), cleanUsage);
        Assert.Equal(cleanUsage, faultUsage);
    }

    [Fact]
    public async Task LeaseRenewalSwallowed_TheHolderIsToldItLostTheLockBeforeTheLeaseExpires()
    {
        (FaultyProxy blobs, FaultyProxy tables) = Proxies();
        IWorkLease lease;
        await using (blobs)
        await using (tables)
        {
            // The shortest lease the service grants, renewed every 2 s, each renewal cut off after 1 s.
            var timings = new LeaseTimings(
                TimeSpan.FromSeconds(15),
                TimeSpan.FromSeconds(2),
                TimeSpan.FromSeconds(1),
                TimeSpan.FromSeconds(1),
                TimeSpan.FromSeconds(5)
            );
            var rollupLock = new BlobWorkLock(Through(blobs, tables).Blobs, timings);
            lease = await rollupLock.AcquireAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            LeaseState? stateWhenLost = null;
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using CancellationTokenRegistration registration = lease.Lost.Register(() =>
            {
                // Straight to Azurite, bypassing the proxy: is the lease still ours at the moment we are told to stop?
                stateWhenLost = _azurite
                    .Clients.Blobs.GetBlobContainerClient(BlobWorkLock.Container)
                    .GetBlobClient(BlobWorkLock.BlobName)
                    .GetProperties()
                    .Value.LeaseState;
                lost.TrySetResult();
            });

            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(lease.Lost.IsCancellationRequested, "renewals that get through keep the lease");
            blobs.Blackhole();
            await lost.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(LeaseState.Leased, stateWhenLost);

            // Free the lock for the tests after this one; the holder's own release goes through the dead proxy.
            await _azurite.BreakRollupLeaseAsync();
        }

        await lease.DisposeAsync();
    }
}
