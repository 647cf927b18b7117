namespace Metrics.Producer.Spooling;

/// <summary>
/// One peek's events as they are read from the segments: bounded by a count and (after the first event) by bytes, and
/// how far the read got past lines that are not events (blank, damaged), so that the head can step over them.
/// </summary>
internal sealed class SpoolBatch(int maxEvents, long maxBytes, long headSegment, long headOffset)
{
    private long _bytes;

    public List<SpooledEvent> Events { get; } = [];

    /// <summary>The end of the last whole line looked at, event or not.</summary>
    public (long Segment, long Offset) Scanned { get; set; } = (headSegment, headOffset);

    /// <summary>Whether an event of <paramref name="length"/> bytes would go over the bounds.</summary>
    public bool IsFullFor(long length) => Events.Count == maxEvents || (Events.Count > 0 && _bytes + length > maxBytes);

    public void Add(SpooledEvent spooled)
    {
        Events.Add(spooled);
        _bytes += spooled.Body.Length;
    }
}
