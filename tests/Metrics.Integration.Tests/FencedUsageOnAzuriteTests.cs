using Azure.Core;
using Azure.Core.Pipeline;

namespace Metrics.Integration.Tests;

/// <summary>
/// The hour, day and month replacements are fenced by the rollup lock's generation, on Azurite's real tables: a writer
/// of an earlier generation cannot land a row in a partition a later one has written, whether it comes after the later
/// writer or is held between its own transactions while the later one writes.
/// </summary>
public sealed class FencedUsageOnAzuriteTests
{
    private static readonly DateTimeOffset s_hour = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private readonly AzuriteStore _azurite = new();

    private static HourlyUsage[] Lines(string institution, int count) =>
        [
            .. Enumerable
                .Range(0, count)
                .Select(i => new HourlyUsage(
                    s_hour,
                    $"{institution}-{i:D4}",
                    "H100-SXM5-80GB",
                    "",
                    1,
                    new UsageSeconds(3600m + i, 0m, 1800m, 3600m)
                )),
        ];

    private async Task<HourlyUsage[]> HourAsync(TableUsageStore store) =>
        [.. (await store.ReadHoursAsync(s_hour, s_hour.AddHours(1), CancellationToken.None).ToListAsync()).OrderBy(l => l.Institution)];

    [Fact]
    public async Task HoldingsOfTheRollupLock_TakeRisingGenerations()
    {
        var rollupLock = new BlobWorkLock(_azurite.Clients.Blobs);
        var generations = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            await using IWorkLease lease = await rollupLock.AcquireAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            generations.Add(lease.Generation);
        }

        Assert.Equal([1L, 2L, 3L], generations);
    }

    [Fact]
    public async Task AnEarlierGeneration_CannotReplaceWhatALaterOneWrote_AndNoReadSeesTheFence()
    {
        var store = new TableUsageStore(_azurite.Clients.Tables);
        var month = new BillingMonth(2026, 11);
        DateOnly day = new(2026, 11, 27);
        HourlyUsage[] later = Lines("later", 3);
        MonthlyUsage Month(string institution) => new(month, institution, "H100-SXM5-80GB", "", 1, new UsageSeconds(60m, 0m, 60m, 60m));
        DailyUsage Day(string institution) => new(day, institution, "H100-SXM5-80GB", "", new UsageSeconds(60m, 0m, 60m, 60m));

        await store.ReplaceHourAsync(s_hour, later, generation: 5, CancellationToken.None);
        await store.ReplaceDayAsync(day, [Day("later")], generation: 5, CancellationToken.None);
        await store.ReplaceMonthAsync(month, new([Month("later")], [Month("later")]), generation: 5, CancellationToken.None);

        FencedWriteException hour = await Assert.ThrowsAsync<FencedWriteException>(() =>
            store.ReplaceHourAsync(s_hour, Lines("stale", 2), generation: 4, CancellationToken.None)
        );
        await Assert.ThrowsAsync<FencedWriteException>(() =>
            store.ReplaceDayAsync(day, [Day("stale")], generation: 4, CancellationToken.None)
        );
        await Assert.ThrowsAsync<FencedWriteException>(() =>
            store.ReplaceMonthAsync(month, new([Month("stale")], [Month("stale")]), generation: 4, CancellationToken.None)
        );

        Assert.Equal((4L, 5L), (hour.Generation, hour.Newer));
        Assert.Equal(later, await HourAsync(store));
        Assert.Equal(
            ["later"],
            (await store.ReadDaysAsync(day, day.AddDays(1), CancellationToken.None).ToListAsync()).Select(d => d.Institution)
        );
        Assert.Equal(["later"], (await store.ReadMonthAsync(month, null, CancellationToken.None)).Select(l => l.Institution));
        Assert.Equal(["later"], (await store.ReadMonthAccountsAsync(month, null, CancellationToken.None)).Select(l => l.Institution));

        // The same generation writes again (a rollup rewrites an hour it wrote); a later one empties the month, and the
        // fence row it leaves behind is not usage.
        await store.ReplaceHourAsync(s_hour, later[..1], generation: 5, CancellationToken.None);
        Assert.Equal(later[..1], await HourAsync(store));
        await store.ReplaceMonthAsync(month, new([], []), generation: 6, CancellationToken.None);
        Assert.Empty(await store.ReadMonthAsync(month, null, CancellationToken.None));
        Assert.Null(await store.EarliestMonthWithUsageAsync(null, month.Next(), CancellationToken.None));
        Assert.False(await store.InstitutionKnownAsync("later", CancellationToken.None));
    }

    [Fact]
    public async Task AnEarlierWriterHeldBetweenItsTransactions_WhileALaterOneReplacesTheHour_LandsNothingMore()
    {
        // 250 lines: the earlier writer's replacement takes three transactions; it is held before its second.
        var hold = new HoldNthBatch(2);
        var heldClients = new StorageClients(_azurite.Settings, [hold]);
        var stale = new TableUsageStore(heldClients.Tables);
        var store = new TableUsageStore(_azurite.Clients.Tables);
        await store.ReplaceHourAsync(s_hour, Lines("first", 120), generation: 1, CancellationToken.None);

        Task staleWrite = stale.ReplaceHourAsync(s_hour, Lines("stale", 250), generation: 2, CancellationToken.None);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        HourlyUsage[] partly = await HourAsync(store);
        HourlyUsage[] later = Lines("later", 130);
        await store.ReplaceHourAsync(s_hour, later, generation: 3, CancellationToken.None);
        hold.Release.SetResult();

        FencedWriteException fenced = await Assert.ThrowsAsync<FencedWriteException>(() => staleWrite);
        Assert.Equal((2L, 3L), (fenced.Generation, fenced.Newer));
        Assert.Equal(99, partly.Count(l => l.Institution.StartsWith("stale", StringComparison.Ordinal)));
        Assert.Equal(later, await HourAsync(store));
    }

    [Fact]
    public async Task ALaterWriterAnEarlierOneSlippedPast_StartsOver_AndItsLinesStandWhole()
    {
        // An earlier writer slips a transaction in after the later one read the fence: the later one's first
        // transaction fails on the fence's ETag, and it reads again and writes its lines whole.
        var hold = new HoldNthBatch(1);
        var laterClients = new StorageClients(_azurite.Settings, [hold]);
        var later = new TableUsageStore(laterClients.Tables);
        var store = new TableUsageStore(_azurite.Clients.Tables);
        await store.ReplaceHourAsync(s_hour, Lines("first", 10), generation: 1, CancellationToken.None);

        Task laterWrite = later.ReplaceHourAsync(s_hour, Lines("later", 150), generation: 3, CancellationToken.None);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await store.ReplaceHourAsync(s_hour, Lines("earlier", 40), generation: 2, CancellationToken.None);
        hold.Release.SetResult();
        await laterWrite;

        Assert.Equal(Lines("later", 150), await HourAsync(store));
        await Assert.ThrowsAsync<FencedWriteException>(() =>
            store.ReplaceHourAsync(s_hour, Lines("earlier", 40), generation: 2, CancellationToken.None)
        );
    }

    /// <summary>Holds the n-th table transaction (<c>$batch</c>) this client sends until released; the others pass.</summary>
    private sealed class HoldNthBatch(int n) : HttpPipelinePolicy
    {
        private int _batches;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && Interlocked.Increment(ref _batches) == n)
            {
                Reached.SetResult();
                await Release.Task.ConfigureAwait(false);
            }

            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
    }
}
