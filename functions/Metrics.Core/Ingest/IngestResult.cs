using Metrics.Contract;

namespace Metrics.Core.Ingest;

/// <summary>What one batch produced. Every event is either in <see cref="LandedEvents"/> or in <see cref="DeadLettered"/>.</summary>
public sealed record IngestResult(
    int Events,
    int LandedEvents,
    int LandedRows,
    int DeadLettered,
    IReadOnlyList<string> Files,
    int DirtyHours,
    IReadOnlyDictionary<RejectReason, int> RejectionsByReason
)
{
    /// <summary>
    /// Events caught by the last-resort barrier (also counted in <see cref="DeadLettered"/>); each is a bug to log as an error.
    /// </summary>
    public IReadOnlyList<InternalError> InternalErrors { get; init; } = [];

    /// <summary>Bytes of the Arrow files landed (dead-letter files not included): what storage and the rollup pay for.</summary>
    public long LandedBytes { get; init; }

    /// <summary>Landed rows whose GPU model name the catalogue did not know, by the name as sent.</summary>
    public IReadOnlyDictionary<string, long> UnknownModels { get; init; } = new Dictionary<string, long>();

    public static IngestResult Empty { get; } = new(0, 0, 0, 0, [], 0, new Dictionary<RejectReason, int>());
}
