using Metrics.Core.Work;

namespace Metrics.Core.Compaction;

/// <summary>What one compaction run did: the hours compacted, those that failed (and keep their marks), those not yet due.</summary>
public sealed record CompactionResult(IReadOnlyList<HourCompaction> Hours, IReadOnlyList<UnitFailure> Failures, int NotYetDue);
