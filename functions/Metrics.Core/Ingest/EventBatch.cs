using Metrics.Contract;
using Metrics.Core.Landing;

namespace Metrics.Core.Ingest;

/// <summary>
/// A batch of events from one partition of one stream, in sequence order: what one Event Hubs trigger invocation
/// receives, and what the CLI's local event hub hands to the same code path.
/// </summary>
public sealed record EventBatch(TelemetryStream Stream, string PartitionId, IReadOnlyList<RawEvent> Events);
