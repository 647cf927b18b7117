using Metrics.Core.Work;

namespace Metrics.Core.Compaction;

/// <summary>What the compaction timer planned: the units queued, the marked hours not due yet, and marks that name no hour.</summary>
public sealed record CompactionPlan(IReadOnlyList<WorkUnit> Units, int NotYetDue, IReadOnlyList<UnitFailure> Invalid);
