namespace Metrics.Storage;

/// <summary>
/// The newest landed hour from the folder names alone (<c>{stream}/v1/date=.../hour=.../</c>): the date folders of a
/// stream, then the hour folders of the newest date; two listings, whatever the files hold.
/// </summary>
public sealed class BlobLandedHours(BlobServiceClient blobs) : ILandedHours
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(LandingPaths.TelemetryContainer);

    public async Task<DateTimeOffset?> NewestAsync(TelemetryStream stream, CancellationToken cancellationToken)
    {
        string root = $"{stream.Name()}/{LandingPaths.SchemaVersion}/";
        string? date = await NewestFolderAsync(root, "date=", cancellationToken).ConfigureAwait(false);
        if (date is null)
        {
            return null;
        }

        string? hour = await NewestFolderAsync($"{root}date={date}/", "hour=", cancellationToken).ConfigureAwait(false);
        return
            hour is not null
            && DateTimeOffset.TryParseExact(
                $"{date}T{hour}",
                "yyyy-MM-dd'T'HH",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out DateTimeOffset at
            )
            ? at
            : null;
    }

    /// <summary>The greatest <c>{key}value/</c> folder name under a prefix (the values sort as their times do).</summary>
    private async Task<string?> NewestFolderAsync(string prefix, string key, CancellationToken cancellationToken)
    {
        string? newest = null;
        try
        {
            await foreach (
                BlobHierarchyItem item in _container
                    .GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken)
                    .ConfigureAwait(false)
            )
            {
                if (item.IsPrefix && item.Prefix.Length > prefix.Length + key.Length && item.Prefix.AsSpan(prefix.Length).StartsWith(key))
                {
                    string value = item.Prefix[(prefix.Length + key.Length)..^1];
                    if (newest is null || string.CompareOrdinal(value, newest) > 0)
                    {
                        newest = value;
                    }
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: nothing has landed.
        }

        return newest;
    }
}
