using Azure.Storage.Blobs.Specialized;
using Metrics.Core.Lake;

namespace Metrics.Storage;

/// <summary>
/// The lake in container <c>lake</c>: one block blob per file, its generation in metadata (<c>generation</c>). A write
/// stages its blocks as the writer fills them and commits the block list only once the writer has finished: committing
/// is what makes a blob's content visible, at once, so readers see the old file or the new one, never part of one, and a
/// writer that fails commits nothing (Azure drops uncommitted blocks after a week). The commit is conditional on the
/// blob being as it was read (<c>If-Match</c> its ETag, or <c>If-None-Match: *</c>), so two writers racing cannot both
/// replace it, and a lower generation never replaces a higher one.
/// </summary>
public sealed class BlobLakeStore(BlobServiceClient blobs) : ILakeStore
{
    public const string GenerationKey = "generation";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(LakePaths.Container);

    public async Task<long?> GenerationAsync(string path, CancellationToken cancellationToken) =>
        (await PropertiesAsync(path, cancellationToken).ConfigureAwait(false))?.Generation;

    public async Task<bool> WriteAsync(
        string path,
        long generation,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(write);
        (ETag ETag, long Generation)? existing = await PropertiesAsync(path, cancellationToken).ConfigureAwait(false);
        if (existing?.Generation >= generation)
        {
            return false;
        }

        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        BlockBlobClient blob = _container.GetBlockBlobClient(path);
        var staging = new BlockStagingStream(blob, cancellationToken);
        await write(staging, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> blocks = staging.Finish();
        try
        {
            await blob.CommitBlockListAsync(
                    blocks,
                    new CommitBlockListOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = LakePaths.ContentType },
                        Metadata = new Dictionary<string, string> { [GenerationKey] = generation.ToString(CultureInfo.InvariantCulture) },
                        Conditions = existing is { } was
                            ? new BlobRequestConditions { IfMatch = was.ETag }
                            : new BlobRequestConditions { IfNoneMatch = ETag.All },
                    },
                    cancellationToken
                )
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another writer committed first: fine if it wrote this generation or a later one, else a conflict to retry.
            if (await GenerationAsync(path, cancellationToken).ConfigureAwait(false) >= generation)
            {
                return false;
            }

            throw new IOException($"lake file {path} changed while generation {generation} was being written; retry", ex);
        }
    }

    public async Task<IReadOnlyList<LakeFile>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var files = new List<LakeFile>();
        var options = new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata };
        await foreach (BlobItem item in _container.ListOrNoneAsync(options, cancellationToken).ConfigureAwait(false))
        {
            files.Add(new LakeFile(item.Name, item.Properties.ContentLength ?? 0, Generation(item.Metadata)));
        }

        return files;
    }

    public async Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(path).OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

    private async Task<(ETag ETag, long Generation)?> PropertiesAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            BlobProperties properties = (
                await _container.GetBlobClient(path).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            ).Value;
            return (properties.ETag, Generation(properties.Metadata));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static long Generation(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(GenerationKey, out string? value) ? long.Parse(value, CultureInfo.InvariantCulture) : 0;
}
