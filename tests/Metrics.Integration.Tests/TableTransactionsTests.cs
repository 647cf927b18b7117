using Azure.Data.Tables;

namespace Metrics.Integration.Tests;

/// <summary>Azurite accepts batches Azure refuses, so the limits live in our code and are tested here, without a server.</summary>
public sealed class TableTransactionsTests
{
    private static TableTransactionAction Upsert(string pk, string rk, string? payload = null) =>
        new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, rk) { ["Payload"] = payload ?? "x" });

    [Fact]
    public void Chunk_MoreThanOneHundredActions_SplitsIntoChunksOfAtMostOneHundred()
    {
        var chunks = TableTransactions.Chunk(
            Enumerable.Range(0, 250).Select(i => Upsert("gpu", i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)))
        );

        Assert.Equal([100, 100, 50], chunks.Select(c => c.Count));
        Assert.Equal("0000", chunks[0][0].Entity.RowKey);
        Assert.Equal("0249", chunks[2][49].Entity.RowKey);
    }

    [Fact]
    public void Chunk_MixedPartitionKeys_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => TableTransactions.Chunk([Upsert("gpu", "1"), Upsert("jobs", "1")]));
        Assert.Contains("one PartitionKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chunk_LargeEntities_SplitsBeforeFourMiB()
    {
        string payload = new('p', 30_000);
        var chunks = TableTransactions.Chunk(Enumerable.Range(0, 100).Select(i => Upsert("gpu", $"{i}", payload)));

        Assert.True(chunks.Count > 1, "100 entities of ~60 KB each exceed 4 MiB and must be split");
        Assert.All(chunks, c => Assert.True(c.Sum(a => TableTransactions.EstimateBytes(a.Entity)) <= TableTransactions.MaxPayloadBytes));
        Assert.Equal(100, chunks.Sum(c => c.Count));
    }

    [Fact]
    public void Chunk_EntityTooLargeForAnyTransaction_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => TableTransactions.Chunk([Upsert("gpu", "1", new string('p', 2_000_000))]));
    }
}
