using Metrics.Contract;
using Metrics.Core.Landing;

namespace Metrics.Core.Compaction;

/// <summary>
/// What one stream-hour holds, resolved from its folder's listing: the one place that decides which files a reader
/// reads. The newest compaction manifest wins: its data file, plus every landed file it does not list (landed after
/// that compaction began). Anything else under <c>compacted/</c> (older generations, a data file whose manifest was
/// never written) is invisible, and the compactor's to delete.
/// </summary>
public sealed class LandedHourView
{
    private LandedHourView(
        IReadOnlyList<LandedBlob> visible,
        IReadOnlyList<LandedBlob> landed,
        CompactionManifest? manifest,
        IReadOnlyList<LandedBlob> superseded,
        int nextGeneration
    )
    {
        Visible = visible;
        Landed = landed;
        Manifest = manifest;
        Superseded = superseded;
        NextGeneration = nextGeneration;
    }

    /// <summary>The files a reader reads, in path order: each event of the hour is in exactly one of them.</summary>
    public IReadOnlyList<LandedBlob> Visible { get; }

    /// <summary>The landed (not compacted) files among <see cref="Visible"/>: what the next compaction takes in.</summary>
    public IReadOnlyList<LandedBlob> Landed { get; }

    /// <summary>The newest compaction's manifest, or null if the hour was never compacted.</summary>
    public CompactionManifest? Manifest { get; }

    /// <summary>Files no reader reads any more: safe to delete once the manifest that superseded them is durable.</summary>
    public IReadOnlyList<LandedBlob> Superseded { get; }

    /// <summary>The generation a new compaction of the hour writes: above every generation present, orphans included.</summary>
    public int NextGeneration { get; }

    public static async Task<LandedHourView> ReadAsync(
        ILandedHourStore store,
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(store);
        IReadOnlyList<LandedBlob> blobs = await store.ListHourBlobsAsync(stream, hour, cancellationToken).ConfigureAwait(false);
        string prefix = LandingPaths.HourPrefix(stream, hour);
        string? newestManifest = blobs
            .Where(b =>
                b.Path.EndsWith(".manifest.json", StringComparison.Ordinal) && LandingPaths.CompactionGeneration(b.Path) is not null
            )
            .MaxBy(b => LandingPaths.CompactionGeneration(b.Path))
            ?.Path;
        CompactionManifest? manifest = null;
        if (newestManifest is not null)
        {
            await using Stream content = await store.OpenAsync(newestManifest, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            manifest = CompactionManifest.Parse(buffer.ToArray(), newestManifest);
        }

        return Resolve(blobs, prefix, manifest, newestManifest);
    }

    private static LandedHourView Resolve(
        IReadOnlyList<LandedBlob> blobs,
        string prefix,
        CompactionManifest? manifest,
        string? manifestPath
    )
    {
        var replaced = new HashSet<string>(manifest?.Sources ?? [], StringComparer.Ordinal);
        var data = new HashSet<string>(manifest?.DataFiles ?? [], StringComparer.Ordinal);
        var visible = new List<LandedBlob>();
        var landed = new List<LandedBlob>();
        var superseded = new List<LandedBlob>();
        int maxGeneration = 0;
        foreach (LandedBlob blob in blobs)
        {
            if (LandingPaths.CompactionGeneration(blob.Path) is { } generation)
            {
                maxGeneration = Math.Max(maxGeneration, generation);
                if (data.Contains(blob.Path))
                {
                    visible.Add(blob);
                }
                else if (blob.Path == manifestPath)
                {
                    // The manifest itself: read, not a data file.
                }
                else
                {
                    superseded.Add(blob);
                }
            }
            else if (IsLandedFile(blob.Path, prefix))
            {
                if (replaced.Contains(blob.Path))
                {
                    superseded.Add(blob);
                }
                else
                {
                    visible.Add(blob);
                    landed.Add(blob);
                }
            }
        }

        if (data.FirstOrDefault(path => !visible.Any(b => b.Path == path)) is { } missing)
        {
            // Written only after its data files were durable: either a newer compaction deleted one after this listing (a
            // reader lists again, see CompactionRace) or it is damage, and the hour fails loudly after the retries.
            throw new FileNotFoundException($"Compaction manifest {manifestPath} names {missing}, which is missing.", missing);
        }

        return new LandedHourView(visible, landed, manifest, superseded, maxGeneration + 1);
    }

    /// <summary>A file ingest landed directly in the hour's folder (not in a sub-folder).</summary>
    private static bool IsLandedFile(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal)
        && path.EndsWith(".arrow", StringComparison.Ordinal)
        && path.AsSpan(prefix.Length).IndexOf('/') < 0;
}
