using System.Collections.Concurrent;

namespace Metrics.Storage;

/// <summary>
/// Lands files in Blob storage. A write replaces a blob of the same name: names are derived from partition and
/// sequence range, so a replay of the same batch writes identical content to the same names.
/// </summary>
public sealed class BlobLandingStore(BlobServiceClient blobs) : ILandingStore
{
    private readonly ConcurrentDictionary<string, BlobContainerClient> _containers = new(StringComparer.Ordinal);

    public async Task WriteAsync(LandingFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        BlobContainerClient container = _containers.GetOrAdd(file.Container, blobs.GetBlobContainerClient);
        BlobClient blob = container.GetBlobClient(file.Path);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = file.ContentType },
            Metadata = new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal),
        };

        await BlobUploads
            .UploadCreatingContainerAsync(container, blob, new BinaryData(file.Content), options, cancellationToken)
            .ConfigureAwait(false);
    }
}
