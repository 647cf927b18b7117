using Metrics.Functions;
using Metrics.Storage;
using Microsoft.Extensions.Configuration;

namespace Metrics.Functions.Tests;

/// <summary>The function app resolves its data storage as the tools do, from its configuration's keys.</summary>
public sealed class StorageSettingsTests
{
    private static StorageSettings Read(params (string Key, string Value)[] settings) =>
        MetricsServices.ReadStorageSettings(
            new ConfigurationBuilder()
                .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
                .Build()
        );

    [Fact]
    public void Read_ConnectionString_WinsOverTheHostsStorage()
    {
        StorageSettings settings = Read(
            ("MetricsStorage", "UseDevelopmentStorage=true"),
            ("AzureWebJobsStorage", "DefaultEndpointsProtocol=https;AccountName=host")
        );
        Assert.Equal("UseDevelopmentStorage=true", settings.ConnectionString);
    }

    [Fact]
    public void Read_IdentityBasedSection_GivesTheServiceUrisAndClientId()
    {
        // App settings MetricsStorage__blobServiceUri etc. reach the configuration as the section MetricsStorage:...
        StorageSettings settings = Read(
            ("MetricsStorage:blobServiceUri", "https://acct.blob.core.windows.net"),
            ("MetricsStorage:tableServiceUri", "https://acct.table.core.windows.net"),
            ("MetricsStorage:clientId", "00000000-0000-0000-0000-000000000001")
        );

        Assert.Equal(
            (
                new Uri("https://acct.blob.core.windows.net"),
                new Uri("https://acct.table.core.windows.net"),
                "00000000-0000-0000-0000-000000000001",
                (string?)null
            ),
            (settings.BlobServiceUri, settings.TableServiceUri, settings.ClientId, settings.ConnectionString)
        );
    }

    [Fact]
    public void Read_OnlyTheHostsStorage_IsUsed_AndNothingAtAllIsRefused()
    {
        Assert.Equal("UseDevelopmentStorage=true", Read(("AzureWebJobsStorage", "UseDevelopmentStorage=true")).ConnectionString);
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => Read());
        Assert.Contains("MetricsStorage", refused.Message, StringComparison.Ordinal);
    }
}
