using System.Runtime.CompilerServices;

namespace Metrics.Storage;

/// <summary>
/// Listing blobs where a container that does not exist yet is simply empty: nothing has landed, been dead-lettered or
/// been closed there so far. Every listing of the pipeline and the CLI goes through here.
/// </summary>
public static class BlobListing
{
    public static async IAsyncEnumerable<BlobItem> ListOrNoneAsync(
        this BlobContainerClient container,
        GetBlobsOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(container);
        IAsyncEnumerator<BlobItem> items = container.GetBlobsAsync(options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (items.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await items.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound || ex.Status == 404)
                {
                    yield break;
                }

                yield return items.Current;
            }
        }
    }

    /// <summary>Deletes every blob whose name starts with <paramref name="prefix"/> (none if the container does not exist).</summary>
    public static async Task DeleteAllAsync(this BlobContainerClient container, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        await foreach (
            BlobItem item in container.ListOrNoneAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false)
        )
        {
            await container.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
