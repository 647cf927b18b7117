namespace Metrics.Producer.Spooling;

public enum SpoolAppendKind
{
    /// <summary>Queued in a segment on disk.</summary>
    OnDisk,

    /// <summary>Queued on disk, and the disk had refused earlier writes.</summary>
    DiskRecovered,

    /// <summary>The disk refused the write; queued in the bounded in-memory tail (lost if the agent stops).</summary>
    InMemory,

    /// <summary>Not queued: the spool is full, the event is too large, or the disk and the memory tail are both unavailable.</summary>
    Refused,
}
