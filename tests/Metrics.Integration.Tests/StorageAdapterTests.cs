using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;

namespace Metrics.Integration.Tests;

public sealed class StorageAdapterTests
{
    private readonly AzuriteStore _azurite = new();

    private static readonly string s_run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task StorageClients_CountEveryRequestTheySend_BlobAndTable()
    {
        var clients = new StorageClients(_azurite.Settings);

        await clients.Blobs.GetPropertiesAsync();
        long afterBlob = clients.Requests.Count;
        await clients.Tables.GetTableClient(StorageTables.WorkMarks).CreateIfNotExistsAsync();
        await clients.Tables.GetTableClient(StorageTables.WorkMarks).GetEntityIfExistsAsync<TableEntity>("none", "none");

        Assert.Equal(1, afterBlob);
        Assert.Equal(3, clients.Requests.Count);
    }

    [Fact]
    public async Task TableUsageStore_OneInstitutionsMonth_IsItsRowKeyRange_NotAnInstitutionWhoseIdItPrefixes()
    {
        var store = new TableUsageStore(_azurite.Clients.Tables);
        var october = new Metrics.Core.Usage.BillingMonth(2026, 10);
        var november = october.Next();
        Metrics.Core.Usage.MonthlyUsage Line(Metrics.Core.Usage.BillingMonth month, string institution, string model) =>
            new(month, institution, model, "", 1, new UsageSeconds(3600m, 0m, 1800m, 3600m));

        await store.ReplaceMonthAsync(
            october,
            new(
                [
                    Line(october, "inst-1", "A100-80GB"),
                    Line(october, "inst-1", "H100-SXM5-80GB"),
                    Line(october, "inst-10", "H100-SXM5-80GB"),
                ],
                []
            ),
            generation: 1,
            CancellationToken.None
        );
        await store.ReplaceMonthAsync(
            november,
            new([Line(november, "inst-2", "H100-SXM5-80GB")], []),
            generation: 1,
            CancellationToken.None
        );

        Assert.Equal(
            ["A100-80GB", "H100-SXM5-80GB"],
            (await store.ReadMonthAsync(october, "inst-1", CancellationToken.None)).Select(l => l.GpuModel)
        );
        Assert.Equal("inst-10", Assert.Single(await store.ReadMonthAsync(october, "inst-10", CancellationToken.None)).Institution);
        Assert.Empty(await store.ReadMonthAsync(november, "inst-1", CancellationToken.None));
        Assert.Equal(3, (await store.ReadMonthAsync(october, null, CancellationToken.None)).Count);
        Assert.Equal(
            (true, true, false, false),
            (
                await store.InstitutionKnownAsync("inst-1", CancellationToken.None),
                await store.InstitutionKnownAsync("inst-2", CancellationToken.None),
                await store.InstitutionKnownAsync("inst-", CancellationToken.None),
                await store.InstitutionKnownAsync("inst-3", CancellationToken.None)
            )
        );

        // A recompute without inst-10's line removes it: it no longer has usage in any month.
        await store.ReplaceMonthAsync(october, new([Line(october, "inst-1", "A100-80GB")], []), generation: 1, CancellationToken.None);
        Assert.Empty(await store.ReadMonthAsync(october, "inst-10", CancellationToken.None));
        Assert.False(await store.InstitutionKnownAsync("inst-10", CancellationToken.None));
    }

    [Fact]
    public async Task BlobLandingStore_Write_StoresContentTypeAndManifestMetadata()
    {
        var store = new BlobLandingStore(_azurite.Clients.Blobs);
        string path = $"it/{s_run}/a.arrow";
        var metadata = new Dictionary<string, string> { ["row_count"] = "3", ["first_sequence"] = "7" };

        await store.WriteAsync(
            new LandingFile("telemetry", path, new byte[] { 1, 2, 3 }, "application/vnd.apache.arrow.file", metadata),
            CancellationToken.None
        );

        BlobProperties properties = (
            await _azurite.Clients.Blobs.GetBlobContainerClient("telemetry").GetBlobClient(path).GetPropertiesAsync()
        ).Value;
        Assert.Equal("application/vnd.apache.arrow.file", properties.ContentType);
        Assert.Equal("3", properties.Metadata["row_count"]);
        Assert.Equal("7", properties.Metadata["first_sequence"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, (await _azurite.DownloadAsync("telemetry", path)).ToArray());
    }

    [Fact]
    public async Task BlobLandingStore_WriteSameNameTwice_KeepsOneBlobWithTheLatestContent()
    {
        var store = new BlobLandingStore(_azurite.Clients.Blobs);
        string path = $"it/{s_run}/twice.jsonl";
        var empty = new Dictionary<string, string>();

        await store.WriteAsync(new LandingFile("deadletter", path, "one"u8.ToArray(), "text/plain", empty), CancellationToken.None);
        await store.WriteAsync(new LandingFile("deadletter", path, "two"u8.ToArray(), "text/plain", empty), CancellationToken.None);

        Assert.Single(await _azurite.ListAsync("deadletter", $"it/{s_run}/twice"));
        Assert.Equal("two", (await _azurite.DownloadAsync("deadletter", path)).ToString());
    }

    [Fact]
    public async Task TableRollupMarks_Mark_IsIdempotentAndChangesTheETagEachTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        IWorkMarks log = new TableWorkMarks(_azurite.Clients.Tables, time);
        DateTimeOffset hour = new(2031, 1, 2, 3, 0, 0, TimeSpan.Zero);
        TableClient table = _azurite.Clients.Tables.GetTableClient(StorageTables.WorkMarks);

        await log.MarkLandedAsync(TelemetryStream.Gpu, [hour], CancellationToken.None);
        TableEntity first = (await table.GetEntityAsync<TableEntity>("gpu", "2031010203")).Value;
        time.Advance(TimeSpan.FromMinutes(1));
        await log.MarkLandedAsync(TelemetryStream.Gpu, [hour, hour], CancellationToken.None);
        TableEntity second = (await table.GetEntityAsync<TableEntity>("gpu", "2031010203")).Value;

        Assert.Equal(hour, first.GetDateTimeOffset("Hour"));
        Assert.Equal(time.GetUtcNow(), second.GetDateTimeOffset("MarkedAt"));
        Assert.NotEqual(first.ETag, second.ETag);
        int rows = 0;
        await foreach (TableEntity _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == "gpu" && e.RowKey == "2031010203"))
        {
            rows++;
        }

        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task TableRollupMarks_ConcurrentMarksOfOverlappingHours_AllSucceedAndEachHourIsMarkedOnce()
    {
        IWorkMarks log = new TableWorkMarks(_azurite.Clients.Tables, TimeProvider.System);
        DateTimeOffset start = new(2032, 3, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset[] hours = Enumerable.Range(0, 150).Select(i => start.AddHours(i)).ToArray();

        // Eight invocations mark overlapping windows at once (150 hours in all: more than one transaction's 100).
        await Task.WhenAll(
            Enumerable
                .Range(0, 8)
                .Select(i => log.MarkLandedAsync(TelemetryStream.Jobs, hours.Skip(i * 10).Take(80).ToArray(), CancellationToken.None))
        );

        TableClient table = _azurite.Clients.Tables.GetTableClient(StorageTables.WorkMarks);
        var keys = new List<string>();
        await foreach (
            TableEntity e in table.QueryAsync<TableEntity>(e =>
                e.PartitionKey == "jobs" && e.RowKey.CompareTo("2032030100") >= 0 && e.RowKey.CompareTo("2032031000") < 0
            )
        )
        {
            keys.Add(e.RowKey);
        }

        Assert.Equal(hours.Take(150).Select(TableWorkMarks.RowKey).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TableRollupMarks_ClearAfterARemark_FailsAndKeepsTheMark()
    {
        IWorkMarks log = new TableWorkMarks(_azurite.Clients.Tables, TimeProvider.System);
        const string key = "2033050100";
        await log.MarkAsync(Metrics.Core.Work.MarkKind.Usage, [key], CancellationToken.None);
        Metrics.Core.Work.WorkMark listed = Assert.Single(
            await log.ListAsync(Metrics.Core.Work.MarkKind.Usage, CancellationToken.None),
            m => m.Key == key
        );

        await log.MarkAsync(Metrics.Core.Work.MarkKind.Usage, [key], CancellationToken.None);

        Assert.False(await log.ClearAsync(listed, CancellationToken.None));
        Metrics.Core.Work.WorkMark relisted = Assert.Single(
            await log.ListAsync(Metrics.Core.Work.MarkKind.Usage, CancellationToken.None),
            m => m.Key == key
        );
        Assert.True(await log.ClearAsync(relisted, CancellationToken.None));
        Assert.DoesNotContain(await log.ListAsync(Metrics.Core.Work.MarkKind.Usage, CancellationToken.None), m => m.Key == key);
    }

    [Fact]
    public async Task TableSequenceCounter_ConcurrentReservations_NeverOverlap()
    {
        var counter = new TableSequenceCounter(_azurite.Clients.Tables);
        await counter.EnsureTableAsync(CancellationToken.None);
        string partition = $"it{s_run}";

        long[] firsts = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(_ => counter.ReserveAsync(TelemetryStream.Gpu, partition, 7, CancellationToken.None))
        );

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 7L), firsts.Order());
        Assert.Equal(70, await counter.ReserveAsync(TelemetryStream.Gpu, partition, 1, CancellationToken.None));
    }

    /// <summary>
    /// The statements container is write-once in Azure: a month's daily usage, named by its hash, is created once; writing
    /// it again (a close retried) leaves the blob untouched (its ETag unchanged) instead of replacing it.
    /// </summary>
    [Fact]
    public async Task BlobStatementStore_DaysWrittenTwice_AreCreatedOnceAndNeverReplaced()
    {
        var store = new BlobStatementStore(_azurite.Clients.Blobs);
        var month = new Metrics.Core.Usage.BillingMonth(2096, 2);
        Metrics.Core.Ledger.StatementDays days = Metrics.Core.Ledger.StatementDays.Freeze(month, []);

        await store.WriteDaysAsync(days, CancellationToken.None);
        var blob = _azurite
            .Clients.Blobs.GetBlobContainerClient(BlobStatementStore.Container)
            .GetBlobClient(BlobStatementStore.DaysPathOf(month, days.Sha256));
        Azure.ETag first = (await blob.GetPropertiesAsync()).Value.ETag;
        await store.WriteDaysAsync(days, CancellationToken.None);

        Assert.Equal(first, (await blob.GetPropertiesAsync()).Value.ETag);
        Assert.Equal(days.Sha256, (await store.ReadDaysAsync(month, days.Sha256, CancellationToken.None)).Sha256);
    }
}
