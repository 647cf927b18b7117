using Metrics.Contract;
using Metrics.Core.Usage;

namespace Metrics.Core.Landing;

/// <summary>
/// Where landed data lives. Names derive only from stream, UTC hour, partition and sequence range, so re-processing
/// the same batch targets the same names (an overwrite, never a second copy), and a producer resend, which gets new
/// sequence numbers, lands beside the first copy without touching it.
/// </summary>
public static partial class LandingPaths
{
    public const string TelemetryContainer = "telemetry";
    public const string DeadLetterContainer = "deadletter";
    public const string SchemaVersion = "v1";

    /// <summary>
    /// Sequence numbers are zero-padded to 12 digits so that a listing sorts in sequence order
    /// (10^12 events is 30 years of one partition at 1,000 events a second). Longer numbers still format correctly.
    /// </summary>
    private const string SequenceFormat = "D12";

    /// <summary><c>{stream}/v1/date=YYYY-MM-DD/hour=HH/p{partition}-{first}-{last}.arrow</c> in <see cref="TelemetryContainer"/>.</summary>
    public static string HourFile(TelemetryStream stream, DateTimeOffset hour, string partitionId, long firstSequence, long lastSequence)
    {
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{HourPrefix(stream, hour)}p{partitionId}-{firstSequence.ToString(SequenceFormat, CultureInfo.InvariantCulture)}-"
                + $"{lastSequence.ToString(SequenceFormat, CultureInfo.InvariantCulture)}.arrow"
        );
    }

    /// <summary>The sub-folder of an hour's folder where its compacted files and their manifests live.</summary>
    public const string CompactedFolder = "compacted/";

    /// <summary>
    /// <c>{hour folder}compacted/g{generation}.arrow</c>: one compaction of the hour. A new generation is a new name, so a
    /// reader part-way through the previous one is never handed a file rewritten under it.
    /// </summary>
    public static string CompactedFile(TelemetryStream stream, DateTimeOffset hour, int generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{HourPrefix(stream, hour)}{CompactedFolder}g{generation:D6}.arrow");

    /// <summary>
    /// <c>{hour folder}compacted/g{generation}-s{shard}.arrow</c> (shard 4 digits, so names sort as shards do): shard
    /// <paramref name="shard"/> of a compaction written as <paramref name="shards"/> files by GPU uuid hash; with one
    /// shard, the one file of <see cref="CompactedFile(TelemetryStream, DateTimeOffset, int)"/>.
    /// </summary>
    public static string CompactedFile(TelemetryStream stream, DateTimeOffset hour, int generation, int shard, int shards) =>
        shards == 1
            ? CompactedFile(stream, hour, generation)
            : string.Create(CultureInfo.InvariantCulture, $"{HourPrefix(stream, hour)}{CompactedFolder}g{generation:D6}-s{shard:D4}.arrow");

    /// <summary><c>{hour folder}compacted/g{generation}.manifest.json</c>: written last, it is what makes a compaction visible.</summary>
    public static string CompactionManifestFile(TelemetryStream stream, DateTimeOffset hour, int generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{HourPrefix(stream, hour)}{CompactedFolder}g{generation:D6}.manifest.json");

    /// <summary>The generation of a compacted file or manifest name, or null for any other name.</summary>
    public static int? CompactionGeneration(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Match match = CompactedNamePattern().Match(path);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int generation)
            ? generation
            : null;
    }

    /// <summary>The folder of one UTC hour's files: <c>{stream}/v1/date=YYYY-MM-DD/hour=HH/</c>.</summary>
    public static string HourPrefix(TelemetryStream stream, DateTimeOffset hour)
    {
        DateTimeOffset utc = UtcHours.Floor(hour);
        return string.Create(CultureInfo.InvariantCulture, $"{stream.Name()}/{SchemaVersion}/date={utc:yyyy-MM-dd}/hour={utc:HH}/");
    }

    /// <summary><c>{stream}/date=YYYY-MM-DD/</c>: every dead-letter file of one stream and UTC enqueued date.</summary>
    public static string DeadLetterDatePrefix(TelemetryStream stream, DateOnly enqueuedDate) =>
        string.Create(CultureInfo.InvariantCulture, $"{stream.Name()}/date={enqueuedDate:yyyy-MM-dd}/");

    /// <summary>
    /// <c>{stream}/date=YYYY-MM-DD/p{partition}-{first}-{last}.jsonl</c> in <see cref="DeadLetterContainer"/>; the date is the UTC enqueued
    /// date.
    /// </summary>
    public static string DeadLetterFile(
        TelemetryStream stream,
        DateOnly enqueuedDate,
        string partitionId,
        long firstSequence,
        long lastSequence
    ) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{stream.Name()}/date={enqueuedDate:yyyy-MM-dd}/p{partitionId}-"
                + $"{firstSequence.ToString(SequenceFormat, CultureInfo.InvariantCulture)}-"
                + $"{lastSequence.ToString(SequenceFormat, CultureInfo.InvariantCulture)}.jsonl"
        );

    /// <summary>Partition ids become part of a blob name, so they are held to a safe pattern.</summary>
    public static bool IsValidPartitionId(string partitionId) => PartitionIdPattern().IsMatch(partitionId);

    [GeneratedRegex(@"/compacted/g([0-9]{6,9})(?:-s[0-9]{4})?\.(?:arrow|manifest\.json)$", RegexOptions.CultureInvariant)]
    private static partial Regex CompactedNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex PartitionIdPattern();
}
