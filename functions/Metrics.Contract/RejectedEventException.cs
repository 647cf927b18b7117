namespace Metrics.Contract;

/// <summary>
/// Raised inside a decoder at the first rule an event breaks, and caught by the same decoder, which turns it into a
/// <see cref="Rejection"/>. It never escapes the decoders: an invalid event is data, not a failure.
/// </summary>
internal sealed class RejectedEventException(RejectReason reason, string detail) : Exception(detail)
{
    public Rejection Rejection { get; } = new(reason, detail);
}
