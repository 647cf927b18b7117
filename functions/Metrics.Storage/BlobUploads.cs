namespace Metrics.Storage;

/// <summary>
/// Uploads into a container that may not exist yet: infrastructure creates the containers in Azure; locally (Azurite)
/// the first write creates its container and writes again. Every blob writer of the pipeline uploads this way.
/// </summary>
internal static class BlobUploads
{
    public static async Task UploadCreatingContainerAsync(
        BlobContainerClient container,
        BlobClient blob,
        BinaryData content,
        BlobUploadOptions options,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await blob.UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await blob.UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates <paramref name="blob"/> only if it does not exist (<c>If-None-Match: *</c>, added to
    /// <paramref name="options"/>): true when this call created it, false when it was there already.
    /// </summary>
    public static async Task<bool> TryCreateAsync(
        BlobContainerClient container,
        BlobClient blob,
        BinaryData content,
        BlobUploadOptions options,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await UploadCreatingContainerAsync(container, blob, content, options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            return false;
        }
    }
}
