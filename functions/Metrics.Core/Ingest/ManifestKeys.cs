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

    /// <summary>On a compacted file: the compaction generation it belongs to (its manifest is <c>g{generation}.manifest.json</c>).</summary>
    public const string CompactionGeneration = "compaction_generation";

    /// <summary>"true" on files landed by <c>metrics ingest --backfill</c>; absent otherwise.</summary>
    public const string Backfill = "backfill";
}
