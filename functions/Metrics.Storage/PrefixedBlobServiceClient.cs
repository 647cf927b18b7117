namespace Metrics.Storage;

/// <summary>
/// The blob service with <see cref="StorageSettings.NamePrefix"/> put before every container name it hands out. The
/// SDK's client getters are virtual (for test doubles), so every adapter gets prefixed names without knowing it.
/// </summary>
internal sealed class PrefixedBlobServiceClient : BlobServiceClient
{
    private readonly string _prefix;

    public PrefixedBlobServiceClient(string prefix, string connectionString, BlobClientOptions options)
        : base(connectionString, options) => _prefix = prefix;

    public PrefixedBlobServiceClient(string prefix, Uri serviceUri, TokenCredential credential, BlobClientOptions options)
        : base(serviceUri, credential, options) => _prefix = prefix;

    public override BlobContainerClient GetBlobContainerClient(string blobContainerName) =>
        base.GetBlobContainerClient(_prefix + blobContainerName);
}
