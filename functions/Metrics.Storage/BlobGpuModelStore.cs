using Metrics.Core.Catalogue;

namespace Metrics.Storage;

/// <summary>
/// The GPU-model catalogue as one JSON blob, <c>reference/gpu-models.json</c>, in the format <c>metrics models list</c>
/// prints. One blob, so a reader never sees half an import; every import is a conditional write (If-Match on the
/// version it merged into, If-None-Match for the first), so two imports at once never lose one another's models, nor
/// together give one name to two models: the loser reads again, merges again and is checked again.
/// </summary>
public sealed class BlobGpuModelStore(BlobServiceClient blobs) : IGpuModelStore
{
    public const string Container = "reference";

    public const string BlobName = "gpu-models.json";

    private const int MaxAttempts = 10;

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(Container);

    public async Task<GpuModelCatalogue> ReadAsync(CancellationToken cancellationToken) =>
        (await ReadWithETagAsync(cancellationToken).ConfigureAwait(false)).Catalogue;

    public async Task ImportAsync(IReadOnlyList<GpuModel> models, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(models);
        BlobClient blob = _container.GetBlobClient(BlobName);
        for (int attempt = 1; ; attempt++)
        {
            (GpuModelCatalogue current, ETag? etag) = await ReadWithETagAsync(cancellationToken).ConfigureAwait(false);
            GpuModelCatalogue merged = current.With(models);
            var options = new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Conditions = etag is { } e
                    ? new BlobRequestConditions { IfMatch = e }
                    : new BlobRequestConditions { IfNoneMatch = ETag.All },
            };
            try
            {
                await BlobUploads
                    .UploadCreatingContainerAsync(
                        _container,
                        blob,
                        BinaryData.FromString(GpuModelCatalogueFile.Format(merged)),
                        options,
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when ((ex.Status is 409 or 412) && attempt < MaxAttempts)
            {
                // Another import won the race: merge into what it wrote.
            }
        }
    }

    private async Task<(GpuModelCatalogue Catalogue, ETag? ETag)> ReadWithETagAsync(CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadResult content = (
                await _container.GetBlobClient(BlobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)
            ).Value;
            return (new GpuModelCatalogue(GpuModelCatalogueFile.Parse(content.Content.ToMemory().Span)), content.Details.ETag);
        }
        catch (RequestFailedException ex)
            when (ex.ErrorCode == BlobErrorCode.BlobNotFound || ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return (GpuModelCatalogue.Empty, null);
        }
    }
}
