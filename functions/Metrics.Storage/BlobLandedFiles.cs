using Azure.Storage.Blobs.Specialized;
using Metrics.Core.Compaction;
using Metrics.Core.Landing;

namespace Metrics.Storage;

/// <summary>
/// Lists, opens, writes and deletes landed Arrow files in the <c>telemetry</c> container, by stream and UTC hour. What a
/// reader of an hour sees is decided by <see cref="LandedHourView"/> (landed files, or their compaction, never both).
/// </summary>
public sealed class BlobLandedFiles(BlobServiceClient blobs) : ILandedHourStore
{
    /// <summary>
    /// Landed files are small (a batch each) and downloaded whole; a compacted file holds an hour and is read through a
    /// buffer of this size instead, so reading it never holds the whole file in memory.
    /// </summary>
    private const int CompactedReadBuffer = 8 * 1024 * 1024;

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(LandingPaths.TelemetryContainer);

    public async Task<IReadOnlyList<string>> ListHourAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    ) => (await ListHourWithRowsAsync(stream, hour, cancellationToken).ConfigureAwait(false)).Select(f => f.Path).ToArray();

    public async Task<IReadOnlyList<LandedFileRef>> ListHourWithRowsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    ) =>
        (await LandedHourView.ReadAsync(this, stream, hour, cancellationToken).ConfigureAwait(false))
            .Visible.Select(b => new LandedFileRef(b.Path, b.Rows, b.ReachesFrom))
            .ToArray();

    public async Task<IReadOnlyList<LandedBlob>> ListHourBlobsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    )
    {
        string prefix = LandingPaths.HourPrefix(stream, hour);
        var files = new List<LandedBlob>();

        // Metadata comes with the listing at no extra request: the manifest's row_count sizes the reader's work, and
        // reaches_from lets it skip a file that cannot reach into the hour it reads.
        await foreach (
            BlobItem item in _container
                .ListOrNoneAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken)
                .ConfigureAwait(false)
        )
        {
            long? rows =
                item.Metadata is not null
                && item.Metadata.TryGetValue(ManifestKeys.Rows, out string? value)
                && long.TryParse(
                    value,
                    System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out long parsed
                )
                    ? parsed
                    : null;
            DateTimeOffset? reachesFrom =
                item.Metadata is not null && item.Metadata.TryGetValue(ManifestKeys.ReachesFrom, out string? reach)
                    ? ManifestKeys.ParseInstant(reach)
                    : null;
            files.Add(new LandedBlob(item.Name, item.Properties.ContentLength ?? 0, rows, reachesFrom));
        }

        return files.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
    }

    public async Task<Stream> OpenAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        BlobClient blob = _container.GetBlobClient(path);
        try
        {
            if (LandingPaths.CompactionGeneration(path) is not null && path.EndsWith(".arrow", StringComparison.Ordinal))
            {
                Stream lazy = await blob.OpenReadAsync(
                        new BlobOpenReadOptions(allowModifications: false) { BufferSize = CompactedReadBuffer },
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                return new GoneAwareReadStream(lazy, path);
            }

            // Into pooled memory of the blob's size, returned when the reader disposes the stream: buffered by the SDK,
            // each download grew a fresh array (on the large object heap past 85 KB), and the rollup's GC paid for it.
            using BlobDownloadStreamingResult download = (
                await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            ).Value;
            Microsoft.IO.RecyclableMemoryStream content = PooledStreams.Get("landed-file", download.Details.ContentLength);
            try
            {
                await download.Content.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
                content.Position = 0;
                return content;
            }
            catch
            {
                await content.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Compaction deletes files it has replaced: a reader that listed before then lists again (see LandedHourView).
            throw new FileNotFoundException($"Landed file {path} is gone (compacted since it was listed?).", path, ex);
        }
    }

    /// <summary>A write stream to a blob that does not exist yet; <see cref="IOException"/> when it does.</summary>
    private static async Task<Stream> OpenNewAsync(
        BlockBlobClient blob,
        string path,
        string contentType,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await blob.OpenWriteAsync(
                    overwrite: true,
                    new BlockBlobOpenWriteOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                        OpenConditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    },
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw Exists(path, ex);
        }
    }

    public async Task WriteAsync(
        string path,
        string contentType,
        Func<Stream, CancellationToken, Task<IReadOnlyDictionary<string, string>>> write,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(write);
        BlockBlobClient blob = _container.GetBlockBlobClient(path);
        IReadOnlyDictionary<string, string> metadata;

        // Blocks are staged as the stream fills and committed when it is disposed. A process killed mid-write commits
        // nothing; an exception still disposes (and so commits) the stream, so the part-written blob is then deleted.
        // Created, never replaced (If-None-Match: *): a compactor that lost its lease and wakes to write a generation another
        // has written fails here instead of pairing its file with the other's manifest.
        Stream output = await OpenNewAsync(blob, path, contentType, cancellationToken).ConfigureAwait(false);
        try
        {
            await using (output.ConfigureAwait(false))
            {
                metadata = await write(output, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // The other writer's file: not ours to delete.
            throw Exists(path, ex);
        }
        catch
        {
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (metadata.Count > 0)
        {
            await blob.SetMetadataAsync(
                    new Dictionary<string, string>(metadata, StringComparer.Ordinal),
                    cancellationToken: cancellationToken
                )
                .ConfigureAwait(false);
        }
    }

    public async Task PutAsync(string path, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        try
        {
            await _container
                .GetBlobClient(path)
                .UploadAsync(
                    new BinaryData(content),
                    new BlobUploadOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    },
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw Exists(path, ex);
        }
    }

    private static IOException Exists(string path, RequestFailedException inner) =>
        new($"{path} exists already: another compaction wrote this generation; this one stops and the next run starts a new one", inner);

    public async Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(path).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
}
