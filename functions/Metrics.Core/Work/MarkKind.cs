namespace Metrics.Core.Work;

/// <summary>The kinds of work the rollup and compaction find in the marks table.</summary>
public enum MarkKind
{
    /// <summary>GPU samples landed for this UTC hour (set by ingest).</summary>
    Gpu,

    /// <summary>Job events landed for this UTC hour (set by ingest).</summary>
    Jobs,

    /// <summary>A job's billed usage changed in this UTC hour (set by the rollup's job phase).</summary>
    Usage,

    /// <summary>An hour of this billing month changed (set by the rollup's hour phase).</summary>
    Month,

    /// <summary>GPU files landed for this UTC hour since it was last compacted (set by the rollup when it takes a gpu mark).</summary>
    CompactGpu,

    /// <summary>Job files landed for this UTC hour since it was last compacted (set by the rollup when it takes a jobs mark).</summary>
    CompactJobs,

    /// <summary>
    /// An hour of this billing day (<c>yyyy-MM-dd</c>) was written (set by the rollup's queued hour phase, cleared by the
    /// day's unit, which marks its month). Last, so that the other kinds keep their numbers in stored plans.
    /// </summary>
    Day,
}
