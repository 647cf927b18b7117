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
        var counts = Enum.GetValues<TelemetryStream>().ToDictionary(s => s, _ => 0L);
        await foreach (
            (TelemetryStream stream, IDictionary<string, string> metadata) in ListAsync(from, to, cancellationToken).ConfigureAwait(false)
        )
        {
            counts[stream] += EventCount(metadata);
        }

        return counts;
    }

    public async Task<IReadOnlyDictionary<(TelemetryStream Stream, string Reason), long>> CountByReasonAsync(
        DateTimeOffset since,
        DateTimeOffset until,
        CancellationToken cancellationToken
    )
    {
        var counts = new Dictionary<(TelemetryStream, string), long>();
        DateOnly from = DateOnly.FromDateTime(since.UtcDateTime),
            to = DateOnly.FromDateTime(until.UtcDateTime);
        await foreach (
            (TelemetryStream stream, IDictionary<string, string> metadata) in ListAsync(from, to, cancellationToken).ConfigureAwait(false)
        )
        {
            if (
                metadata.TryGetValue(ManifestKeys.MaxEnqueued, out string? latest)
                && DateTimeOffset.TryParse(latest, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
                && (at < since || at > until)
            )
            {
                continue;
            }

            if (!metadata.TryGetValue(ManifestKeys.Reasons, out string? reasons) || reasons.Length == 0)
            {
                counts[(stream, "unrecorded")] = counts.GetValueOrDefault((stream, "unrecorded")) + EventCount(metadata);
                continue;
            }

            foreach (string pair in reasons.Split(','))
            {
                string[] kv = pair.Split('=', 2);
                long n =
                    kv.Length == 2 && long.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : 1;
                counts[(stream, kv[0])] = counts.GetValueOrDefault((stream, kv[0])) + n;
            }
        }

        return counts;
    }

    /// <summary>Every dead-letter file's manifest for the UTC dates <c>[from, to]</c>, from the listing alone.</summary>
    private async IAsyncEnumerable<(TelemetryStream Stream, IDictionary<string, string> Metadata)> ListAsync(
        DateOnly from,
        DateOnly to,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        foreach (TelemetryStream stream in Enum.GetValues<TelemetryStream>())
        {
            for (DateOnly day = from; day <= to; day = day.AddDays(1))
            {
                var options = new GetBlobsOptions { Prefix = LandingPaths.DeadLetterDatePrefix(stream, day), Traits = BlobTraits.Metadata };
                await foreach (BlobItem blob in _container.ListOrNoneAsync(options, cancellationToken).ConfigureAwait(false))
                {
                    yield return (stream, blob.Metadata);
                }
            }
        }
    }

    /// <summary>A file's events; one without the count (none is written so) counts as one rather than none.</summary>
    private static long EventCount(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(ManifestKeys.Events, out string? events)
        && long.TryParse(events, NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : 1;
}
