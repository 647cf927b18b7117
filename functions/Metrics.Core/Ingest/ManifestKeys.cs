namespace Metrics.Core.Ingest;

/// <summary>
/// Blob metadata written with every landed file, in the spirit of Event Hubs Capture's manifest: enough to know what
/// a file holds without opening it. Keys are C# identifiers because blob metadata requires that.
/// </summary>
public static class ManifestKeys
{
    public const string Stream = "stream";
    public const string Schema = "schema";
    public const string Partition = "partition";
    public const string Events = "event_count";
    public const string Rows = "row_count";
    public const string FirstSequence = "first_sequence";
    public const string LastSequence = "last_sequence";
    public const string MinTs = "min_ts";
    public const string MaxTs = "max_ts";
    public const string MinEnqueued = "min_enqueued";
    public const string MaxEnqueued = "max_enqueued";

    /// <summary>
    /// On a GPU file: the earliest instant any of its samples covers (the least <c>ts - intervalS</c>). A reader of an
    /// hour that ends at or before it can skip the file without opening it; absent, the file is read.
    /// </summary>
    public const string ReachesFrom = "reaches_from";

    /// <summary>
    /// On a compacted file: the compaction generation it belongs to (its manifest is <c>g{generation}.manifest.json</c>).
    /// </summary>
    public const string CompactionGeneration = "compaction_generation";

    /// <summary>"true" on files landed by <c>metrics ingest --backfill</c>; absent otherwise.</summary>
    public const string Backfill = "backfill";

    /// <summary>On a dead-letter file: its events per rejection code, <c>code=count</c> comma-separated.</summary>
    public const string Reasons = "reasons";

    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    /// <summary>An instant as the manifest writes it: UTC, to the tick, so that it reads back exactly.</summary>
    public static string FormatInstant(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(InstantFormat, CultureInfo.InvariantCulture);

    /// <summary>An instant written by <see cref="FormatInstant"/>; null when absent or not in that form.</summary>
    public static DateTimeOffset? ParseInstant(string? value) =>
        DateTimeOffset.TryParseExact(
            value,
            InstantFormat,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out DateTimeOffset parsed
        )
            ? parsed
            : null;
}
