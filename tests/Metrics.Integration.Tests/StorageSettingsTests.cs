namespace Metrics.Integration.Tests;

/// <summary>How tools find storage: connection string, identity-based URIs (Azure, shared keys off), host storage, Azurite.</summary>
public sealed class StorageSettingsTests
{
    private static StorageSettings Resolve(params (string Name, string Value)[] variables) =>
        StorageSettings.FromEnvironment(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void FromEnvironment_Nothing_IsAzurite() => Assert.Equal("UseDevelopmentStorage=true", Resolve().ConnectionString);

    [Fact]
    public void FromEnvironment_MetricsStorageWinsOverTheHostsStorage() =>
        Assert.Equal("A", Resolve(("MetricsStorage", "A"), ("AzureWebJobsStorage", "B")).ConnectionString);

    [Fact]
    public void FromEnvironment_HostStorage_IsTheFallback() => Assert.Equal("B", Resolve(("AzureWebJobsStorage", "B")).ConnectionString);

    [Fact]
    public void FromEnvironment_IdentityBasedUris_UseNoConnectionString()
    {
        StorageSettings settings = Resolve(
            ("MetricsStorage__blobServiceUri", "https://stdata.blob.core.windows.net/"),
            ("MetricsStorage__tableServiceUri", "https://stdata.table.core.windows.net/"),
            ("AzureWebJobsStorage", "B")
        );

        Assert.Null(settings.ConnectionString);
        Assert.Equal(new Uri("https://stdata.table.core.windows.net/"), settings.TableServiceUri);
        Assert.Equal("https://stdata.blob.core.windows.net/", settings.Describe());
    }

    [Fact]
    public void FromEnvironment_Prefix_IsReadAndChecked()
    {
        Assert.Equal(string.Empty, Resolve().NamePrefix);
        Assert.Equal("t1a2", Resolve(("MetricsStoragePrefix", "t1a2")).NamePrefix);
        foreach (string bad in new[] { "T1", "1t", "t-1", "t_1", "abcdefghijklmnopq" })
        {
            ArgumentException refused = Assert.Throws<ArgumentException>(() => Resolve(("MetricsStoragePrefix", bad)));
            Assert.Contains("MetricsStoragePrefix", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Prefix_GivesEveryTableAndContainerItsOwnName_SoTwoStoresNeverMeet()
    {
        var one = new AzuriteStore();
        var two = new AzuriteStore();

        Assert.Equal(one.Prefix + "ratecards", one.Clients.Tables.GetTableClient("ratecards").Name);
        Assert.Equal(one.Prefix + "telemetry", one.Clients.Blobs.GetBlobContainerClient("telemetry").Name);
        await new TableRateCardStore(one.Clients.Tables).ImportAsync(
            [new Metrics.Core.Pricing.RateEntry(Metrics.Core.Pricing.RateKind.Cpu, null, new DateOnly(2026, 1, 1), 0.12m, "CNY")],
            CancellationToken.None
        );
        Assert.Single((await new TableRateCardStore(one.Clients.Tables).ReadAsync(CancellationToken.None)).Entries);
        Assert.Empty((await new TableRateCardStore(two.Clients.Tables).ReadAsync(CancellationToken.None)).Entries);
    }
}
