namespace Metrics.Producer.Spooling;

/// <summary>One spooled event body and, for one on disk, the position just after its line (where the head moves once it is sent).</summary>
public sealed record SpooledEvent(byte[] Body, long Segment, long End);
