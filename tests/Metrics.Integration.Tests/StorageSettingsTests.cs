using Metrics.Storage;

namespace Metrics.Integration.Tests;

/// <summary>How tools find storage: connection string, identity-based URIs (Azure, shared keys off), host storage, Azurite.</summary>
public sealed class StorageSettingsTests
{
    private static StorageSettings Resolve(params (string Name, string Value)[] variables) =>
        StorageSettings.FromEnvironment(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void FromEnvironment_Nothing_IsAzurite() =>
        Assert.Equal("UseDevelopmentStorage=true", Resolve().ConnectionString);

    [Fact]
    public void FromEnvironment_MetricsStorageWinsOverTheHostsStorage() =>
        Assert.Equal("A", Resolve(("MetricsStorage", "A"), ("AzureWebJobsStorage", "B")).ConnectionString);

    [Fact]
    public void FromEnvironment_HostStorage_IsTheFallback() =>
        Assert.Equal("B", Resolve(("AzureWebJobsStorage", "B")).ConnectionString);

    [Fact]
    public void FromEnvironment_IdentityBasedUris_UseNoConnectionString()
    {
        StorageSettings settings = Resolve(("MetricsStorage__blobServiceUri", "https://stdata.blob.core.windows.net/"), ("MetricsStorage__tableServiceUri", "https://stdata.table.core.windows.net/"), ("AzureWebJobsStorage", "B"));

        Assert.Null(settings.ConnectionString);
        Assert.Equal(new Uri("https://stdata.table.core.windows.net/"), settings.TableServiceUri);
        Assert.Equal("https://stdata.blob.core.windows.net/", settings.Describe());
    }
}
