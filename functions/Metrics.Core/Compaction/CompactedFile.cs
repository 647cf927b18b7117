using Metrics.Contract;
using Metrics.Core.Ingest;
using Metrics.Core.Landing;

namespace Metrics.Core.Compaction;

/// <summary>What a compaction writes beside its data, and what it leaves to delete once its manifest is durable.</summary>
internal static class CompactedFile
{
    /// <summary>The compacted file's manifest metadata: what it holds, and how far back its rows reach.</summary>
    public static Dictionary<string, string> Metadata(
        LandedHourView view,
        TelemetryStream stream,
        CompactionOrder order,
        int generation,
        long rows
    )
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManifestKeys.Stream] = stream.Name(),
            [ManifestKeys.Schema] = order.SchemaVersion,
            [ManifestKeys.Rows] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ManifestKeys.CompactionGeneration] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        // The compacted rows are the sources' rows, so they reach back no further than the earliest source does. Only
        // known if every source said: one silent source could reach anywhere.
        if (view.Visible.All(b => b.ReachesFrom is not null) && view.Visible.Count > 0)
        {
            metadata[ManifestKeys.ReachesFrom] = ManifestKeys.FormatInstant(view.Visible.Min(b => b.ReachesFrom!.Value));
        }

        return metadata;
    }

    /// <summary>
    /// What a finished compaction leaves to delete: its sources, whatever the hour's view before this run already knew to
    /// be superseded (older generations, orphans, sources an interrupted run left), and the previous manifest.
    /// </summary>
    public static IEnumerable<string> Superseded(LandedHourView view, string[] sources, TelemetryStream stream, DateTimeOffset hour)
    {
        IEnumerable<string> superseded = sources.Concat(view.Superseded.Select(b => b.Path));
        return view.Manifest is { } previous
            ? superseded.Append(LandingPaths.CompactionManifestFile(stream, hour, previous.Generation))
            : superseded;
    }
}
