namespace Metrics.Core.Landing;

/// <summary>One event as Event Hubs delivered it: the body plus the lineage every landed row carries.</summary>
public sealed record RawEvent(
    ReadOnlyMemory<byte> Body,
    long SequenceNumber,
    DateTimeOffset EnqueuedTime,
    IReadOnlyDictionary<string, string>? Properties = null
);
