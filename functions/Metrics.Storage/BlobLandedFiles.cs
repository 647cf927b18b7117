using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Metrics.Core.Ingest;
using Metrics.Core.Ports;
using Metrics.Core.Telemetry;

namespace Metrics.Storage;

/// <summary>Lists and opens landed Arrow files in the <c>telemetry</c> container, by stream and UTC hour.</summary>
public sealed class BlobLandedFiles(BlobServiceClient blobs) : ILandedFiles
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(LandingPaths.TelemetryContainer);

    public async Task<IReadOnlyList<string>> ListHourAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken) =>
        (await ListHourWithRowsAsync(stream, hour, cancellationToken).ConfigureAwait(false)).Select(f => f.Path).ToArray();

    public async Task<IReadOnlyList<LandedFileRef>> ListHourWithRowsAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken)
    {
        string prefix = LandingPaths.HourPrefix(stream, hour);
        var files = new List<LandedFileRef>();
        try
        {
            // Metadata comes with the listing at no extra request: the manifest's row_count sizes the reader's work.
            await foreach (BlobItem item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken).ConfigureAwait(false))
            {
                long? rows = item.Metadata is not null && item.Metadata.TryGetValue(ManifestKeys.Rows, out string? value)
                    && long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long parsed) ? parsed : null;
                files.Add(new LandedFileRef(item.Name, rows));
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }

        return files.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
    }

    public async Task<Stream> OpenAsync(string path, CancellationToken cancellationToken)
    {
        BlobDownloadResult content = (await _container.GetBlobClient(path).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        return content.Content.ToStream();
    }
}
