using Metrics.Core.Allocations;

namespace Metrics.Integration.Tests;

/// <summary>
/// Allocations on Azurite: their terms never change once imported, the same import twice adds nothing, an id is one
/// allocation across institutions, and two imports of one id with other terms at once leave exactly one.
/// </summary>
public sealed class AllocationsOnAzuriteTests() : MonthOnAzurite(new BillingMonth(2097, 6), "allocations")
{
    private Allocation Grant(string id, string institution, decimal amount, string? account = null) =>
        new($"{id}-{Run}", $"{institution}-{Run}", account, Allocation.GpuHours, amount, new(2097, 6, 15), new(2097, 7, 14));

    [Fact]
    public async Task Import_AddsNewOnes_LeavesTheSameTerms_RefusesOthersWritingNothing()
    {
        var store = new TableAllocationStore(Azurite.Clients.Tables);
        Allocation hours = Grant("g1", "inst-a", 1000.5m, account: "proj-x");
        var money = new Allocation($"m1-{Run}", $"inst-a-{Run}", null, "CNY", 250000.25m, new(2097, 1, 1), new(2097, 12, 31));
        Allocation other = Grant("g2", "inst-b", 10m);

        Assert.Equal(3, await store.ImportAsync([hours, money, other], CancellationToken.None));
        Assert.Equal(0, await store.ImportAsync([hours, money], CancellationToken.None));

        // One changed term among new ones: the whole import is refused, naming it, and the new one is not written.
        Allocation fresh = Grant("g3", "inst-a", 5m);
        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.ImportAsync([fresh, hours with { Amount = 2000m }], CancellationToken.None)
        );
        Assert.Contains($"allocation(s) g1-{Run} were imported before with other terms", refused.Message, StringComparison.Ordinal);

        IReadOnlyList<Allocation> instA = await store.ListAsync($"inst-a-{Run}", CancellationToken.None);
        Assert.Equal([hours, money], instA.OrderBy(a => a.Id, StringComparer.Ordinal));
        Assert.Equal([other], await store.ListAsync($"inst-b-{Run}", CancellationToken.None));
    }

    [Fact]
    public async Task OneIdWithOtherTermsAtOnce_ExactlyOneLands()
    {
        var first = new TableAllocationStore(Azurite.Clients.Tables);
        var second = new TableAllocationStore(Azurite.Clients.Tables);
        Allocation a = Grant("race", "inst-a", 100m);
        Allocation b = Grant("race", "inst-b", 200m);

        Task<int>[] both = [first.ImportAsync([a], CancellationToken.None), second.ImportAsync([b], CancellationToken.None)];
        await Task.WhenAll(both.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(1, both.Count(t => t.IsCompletedSuccessfully && t.Result == 1));
        Exception lost = Assert.Single(both.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!));
        Assert.IsType<InvalidOperationException>(lost);
        IReadOnlyList<Allocation> stored = await first.ListAsync(null, CancellationToken.None);
        Allocation kept = Assert.Single(stored, s => s.Id == a.Id);
        Assert.True(kept == a || kept == b, $"stored {kept}");
    }

    [Fact]
    public async Task TheCli_ImportsOnce_RefusesAChangedTerm_AndPutsEachOnTheRecord()
    {
        string file = Path.Combine(Dir, "allocations.json");
        string Entry(decimal amount) =>
            $$"""
                {"allocations":[{"id":"cli-{{Run}}","institution":"inst-{{Run}}","unit":"gpu-hours","amount":{{amount}},
                  "from":"2097-06-15","to":"2097-07-14"}]}
                """;
        await File.WriteAllTextAsync(file, Entry(100m));

        Assert.Equal("imported=1 unchanged=0\n", await Azurite.RunOkAsync(Time, "allocations", "import", file));
        Assert.Equal("imported=0 unchanged=1\n", await Azurite.RunOkAsync(Time, "allocations", "import", file));
        await File.WriteAllTextAsync(file, Entry(150m));
        (int exit, _, string error) = await Azurite.RunAsync(Time, null, "allocations", "import", file);

        Assert.Equal(1, exit);
        Assert.Contains($"allocation(s) cli-{Run} were imported before with other terms", error, StringComparison.Ordinal);
        Allocation stored = Assert.Single(
            await new TableAllocationStore(Azurite.Clients.Tables).ListAsync($"inst-{Run}", CancellationToken.None)
        );
        Assert.Equal(100m, stored.Amount);
        string[] outcomes = (await Azurite.RunOkAsync(Time, "audit"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(AuditRecord.FromJsonLine)
            .Where(r => r.Action == "allocations.import")
            .Select(r => r.Outcome)
            .ToArray();
        Assert.Equal(3, outcomes.Length);
        Assert.Equal("ok: imported=1 unchanged=0", outcomes[0]);
        Assert.Equal("ok: imported=0 unchanged=1", outcomes[1]);
        Assert.StartsWith($"refused: allocation(s) cli-{Run}", outcomes[2], StringComparison.Ordinal);
    }

    /// <summary>
    /// The queue unreachable after a good rollup: the rollup's work stands and says so, the crossed thresholds are
    /// recorded unsent, and the next rollup with the queue back sends them.
    /// </summary>
    [Fact]
    public async Task AWatchThatCannotReachTheQueue_LeavesTheRollupDone_AndTheNextRunSendsWhatItRecorded()
    {
        string grant = Path.Combine(Dir, "grant.json");
        await File.WriteAllTextAsync(
            grant,
            $$"""
            [{"id":"q-{{Run}}","institution":"inst-q-{{Run}}","unit":"gpu-hours","amount":1,"from":"2097-06-01","to":"2097-06-30"}]
            """
        );
        await Azurite.RunOkAsync(Time, "allocations", "import", grant);
        await IngestAsync(
            "jobs",
            EventJson
                .Job(
                    "Q1",
                    "ended",
                    EventJson.Ts(At(10, 2)),
                    2,
                    $"inst-q-{Run}",
                    $"q-{Run}",
                    EventJson.Ts(At(10, 0)),
                    EventJson.Ts(At(10, 2))
                )
                .ToJsonString()
        );
        const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        string noQueue =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};"
            + "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
            + "QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;";

        (int exit, string output, string error) = await Azurite.RunAsync(Time, noQueue, "rollup");

        Assert.True(exit == 1, error);
        Assert.True(output.Contains("months=1 ", StringComparison.Ordinal), error);
        Assert.Contains("allocations_watched=failed", output, StringComparison.Ordinal);
        Assert.Contains("allocation watch failed (the rollup's work is done", error, StringComparison.Ordinal);
        IReadOnlyList<AllocationEvent> recorded = await new TableAllocationEventLog(Azurite.Clients.Tables).ListAsync(
            null,
            CancellationToken.None
        );
        Assert.NotEmpty(recorded);
        Assert.All(recorded, e => Assert.Null(e.SentAt));

        Assert.Contains("allocation_events=0 ", await Azurite.RunOkAsync(Time, "rollup"), StringComparison.Ordinal);
        var queued = (await Azurite.Clients.Queue("allocation-events").PeekMessagesAsync(32)).Value;
        Assert.Equal(
            recorded.Select(e => e.Id).Order(StringComparer.Ordinal),
            queued.Select(m => AllocationEventJson.Deserialize(m.Body.ToArray()).Id).Order(StringComparer.Ordinal)
        );
        Assert.All(
            await new TableAllocationEventLog(Azurite.Clients.Tables).ListAsync(null, CancellationToken.None),
            e => Assert.NotNull(e.SentAt)
        );
    }
}
