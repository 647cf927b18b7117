using Metrics.Core.Validation;

namespace Metrics.Core.Ingest;

/// <summary>What one batch produced. Every event is either in <see cref="LandedEvents"/> or in <see cref="DeadLettered"/>.</summary>
public sealed record IngestResult(
    int Events,
    int LandedEvents,
    int LandedRows,
    int DeadLettered,
    IReadOnlyList<string> Files,
    int DirtyHours,
    IReadOnlyDictionary<RejectReason, int> RejectionsByReason)
{
    public static IngestResult Empty { get; } = new(0, 0, 0, 0, [], 0, new Dictionary<RejectReason, int>());
}
