using System.Text.Json;

namespace Metrics.Storage;

/// <summary>Small JSON documents in blobs (plans, last-run records): read as null where absent, written whole.</summary>
internal static class BlobJson
{
    public static async Task<T?> ReadOrNullAsync<T>(BlobClient blob, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            BlobDownloadResult content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            return JsonSerializer.Deserialize<T>(content.Content.ToMemory().Span, options);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public static Task WriteAsync<T>(
        BlobContainerClient container,
        BlobClient blob,
        T value,
        JsonSerializerOptions options,
        CancellationToken cancellationToken
    ) =>
        BlobUploads.UploadCreatingContainerAsync(
            container,
            blob,
            new BinaryData(JsonSerializer.SerializeToUtf8Bytes(value, options)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken
        );
}
