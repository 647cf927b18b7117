using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Metrics.Core.Ingest;
using Metrics.Core.Ports;
using Metrics.Core.Telemetry;

namespace Metrics.Storage;

/// <summary>
/// Dead-letter counts from the <c>deadletter</c> container's listing: each file's manifest carries its event count, so
/// a month is one listing page or a few per stream and day, and no file is opened.
/// </summary>
public sealed class BlobDeadLetterCounts(BlobServiceClient blobs) : IDeadLetterCounts
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(LandingPaths.DeadLetterContainer);

    public async Task<IReadOnlyDictionary<TelemetryStream, long>> CountAsync(
        DateOnly from,
        DateOnly to,
        CancellationToken cancellationToken
    )
    {
        var counts = new Dictionary<TelemetryStream, long>();
        foreach (TelemetryStream stream in Enum.GetValues<TelemetryStream>())
        {
            long count = 0;
            for (DateOnly day = from; day <= to; day = day.AddDays(1))
            {
                var options = new GetBlobsOptions { Prefix = LandingPaths.DeadLetterDatePrefix(stream, day), Traits = BlobTraits.Metadata };
                await foreach (BlobItem blob in _container.ListOrNoneAsync(options, cancellationToken).ConfigureAwait(false))
                {
                    // A file without the count (none is written so) still counts as one event rather than none.
                    count +=
                        blob.Metadata.TryGetValue(ManifestKeys.Events, out string? events)
                        && long.TryParse(events, NumberStyles.None, CultureInfo.InvariantCulture, out long n)
                            ? n
                            : 1;
                }
            }

            counts[stream] = count;
        }

        return counts;
    }
}
