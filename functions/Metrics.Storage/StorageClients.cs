using Azure.Core.Pipeline;
using Azure.Identity;

namespace Metrics.Storage;

/// <summary>Builds the SDK clients for the data account from <see cref="StorageSettings"/>, with explicit retry options.</summary>
public sealed class StorageClients
{
    public StorageClients(StorageSettings settings)
        : this(settings, []) { }

    /// <summary>
    /// The same, with <paramref name="policies"/> on every request's path (once per call): how a test holds one request
    /// back to interleave two writers at a chosen point.
    /// </summary>
    public StorageClients(StorageSettings settings, IReadOnlyList<HttpPipelinePolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(policies);
        Settings = settings;
        var blobOptions = new BlobClientOptions();
        Configure(blobOptions.Retry, settings.MaxRetries);
        var tableOptions = new TableClientOptions();
        Configure(tableOptions.Retry, settings.MaxRetries);
        // Base64, as the Functions queue trigger and most consumers read messages by default.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        Configure(queueOptions.Retry, settings.MaxRetries);

        // Per retry: every attempt is a billed transaction.
        blobOptions.AddPolicy(Requests, HttpPipelinePosition.PerRetry);
        tableOptions.AddPolicy(Requests, HttpPipelinePosition.PerRetry);
        queueOptions.AddPolicy(Requests, HttpPipelinePosition.PerRetry);
        foreach (HttpPipelinePolicy policy in policies)
        {
            blobOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
            tableOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        string prefix = settings.NamePrefix;
        if (settings.ConnectionString is { } connectionString)
        {
            Blobs = new PrefixedBlobServiceClient(prefix, connectionString, blobOptions);
            Tables = new PrefixedTableServiceClient(prefix, connectionString, tableOptions);
            Queues = new QueueServiceClient(connectionString, queueOptions);
        }
        else if (settings.BlobServiceUri is { } blobUri && settings.TableServiceUri is { } tableUri)
        {
            TokenCredential credential = new DefaultAzureCredential(
                new DefaultAzureCredentialOptions { ManagedIdentityClientId = settings.ClientId }
            );
            Blobs = new PrefixedBlobServiceClient(prefix, blobUri, credential, blobOptions);
            Tables = new PrefixedTableServiceClient(prefix, tableUri, credential, tableOptions);
            Queues = new QueueServiceClient(settings.QueueServiceUri ?? QueueUriOf(blobUri), credential, queueOptions);
        }
        else
        {
            throw new ArgumentException("Storage needs a connection string, or both a blob and a table service URI.", nameof(settings));
        }
    }

    public StorageSettings Settings { get; }

    /// <summary>Requests these clients have sent, blob and table, retries included.</summary>
    public RequestCounter Requests { get; } = new();

    public BlobServiceClient Blobs { get; }

    public TableServiceClient Tables { get; }

    /// <summary>The queue service; queue names get <see cref="StorageSettings.NamePrefix"/> through <see cref="Queue"/>.</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>The named queue, with this account's name prefix.</summary>
    public QueueClient Queue(string name) => Queues.GetQueueClient(Settings.NamePrefix + name);

    /// <summary>An account's queue endpoint beside its blob endpoint (<c>.blob.</c> becomes <c>.queue.</c>).</summary>
    private static Uri QueueUriOf(Uri blobUri) => new(blobUri.AbsoluteUri.Replace(".blob.", ".queue.", StringComparison.Ordinal));

    private static void Configure(RetryOptions retry, int maxRetries)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = maxRetries;
        retry.Delay = TimeSpan.FromMilliseconds(500);
        retry.MaxDelay = TimeSpan.FromSeconds(10);
        retry.NetworkTimeout = TimeSpan.FromSeconds(60);
    }
}
