using Azure.Storage.Blobs;
using Metrics.Storage;

namespace Metrics.Integration.Tests;

/// <summary>
/// The Azurite every integration test talks to: <c>MetricsStorage</c> if set, else the development account.
/// If it does not answer, tests fail with instructions rather than silently skipping.
/// </summary>
public static class Azurite
{
    private static readonly Lazy<StorageClients> s_clients = new(Connect);

    public static StorageSettings Settings { get; } = StorageSettings.FromEnvironment(Environment.GetEnvironmentVariable) with { MaxRetries = 1 };

    public static StorageClients Clients => s_clients.Value;

    public static string ConnectionString => Settings.ConnectionString!;

    private static StorageClients Connect()
    {
        var clients = new StorageClients(Settings);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            clients.Blobs.GetPropertiesAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"Azurite is not reachable at {Settings.Describe()}: run the tests with tools/test.sh, or start it with tools/azurite/azurite.sh start. ({ex.Message})", ex);
        }

        return clients;
    }

    /// <summary>Every blob (name, ETag) in a container, or an empty map if the container does not exist yet.</summary>
    public static async Task<Dictionary<string, string>> ListAsync(string container, string prefix = "")
    {
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        BlobContainerClient client = Clients.Blobs.GetBlobContainerClient(container);
        if (!await client.ExistsAsync())
        {
            return blobs;
        }

        await foreach (Azure.Storage.Blobs.Models.BlobItem item in client.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
        {
            blobs[item.Name] = item.Properties.ETag!.Value.ToString();
        }

        return blobs;
    }

    /// <summary>
    /// Frees the rollup lock held by a holder that cannot release it (a killed process, a dead proxy): what the
    /// lease's expiry does in production within 60 s, at once.
    /// </summary>
    public static async Task BreakRollupLeaseAsync() =>
        await Azure.Storage.Blobs.Specialized.SpecializedBlobExtensions.GetBlobLeaseClient(
            Clients.Blobs.GetBlobContainerClient(BlobRollupLock.Container).GetBlobClient(BlobRollupLock.BlobName)).BreakAsync(TimeSpan.Zero);

    public static async Task<BinaryData> DownloadAsync(string container, string name) =>
        (await Clients.Blobs.GetBlobContainerClient(container).GetBlobClient(name).DownloadContentAsync()).Value.Content;
}
