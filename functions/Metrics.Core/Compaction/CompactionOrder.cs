using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Landing;

namespace Metrics.Core.Compaction;

/// <summary>
/// How a stream's compacted file is ordered. The first key is a string column that also splits an hour too big for
/// memory into contiguous ranges; the rest break ties. Every order ends in the lineage (partition, sequence), so two
/// rows equal in every key are one event landed twice (an exact replay), and only those are dropped: a producer's
/// resend has new sequence numbers and is kept, for billing to deduplicate as it always does.
/// </summary>
internal sealed record CompactionOrder(Schema Schema, string SchemaVersion, string FirstKey, IReadOnlyList<string> ThenBy)
{
    /// <summary>GPU rows by (gpu_uuid, ts): each GPU's samples of the hour are one run, in time order.</summary>
    public static readonly CompactionOrder Gpu = new(
        GpuRowSchema.Schema,
        GpuRowSchema.Version,
        GpuRowSchema.Columns.GpuUuid,
        [GpuRowSchema.Columns.Ts, LineageColumns.Partition, LineageColumns.Sequence]
    );

    /// <summary>Job events by (job_id, cluster, ts): each job's events of the hour together, in time order.</summary>
    public static readonly CompactionOrder Jobs = new(
        JobRowSchema.Schema,
        JobRowSchema.Version,
        JobRowSchema.Columns.JobId,
        [JobRowSchema.Columns.Cluster, JobRowSchema.Columns.Ts, LineageColumns.Partition, LineageColumns.Sequence]
    );

    public static CompactionOrder For(TelemetryStream stream) => stream == TelemetryStream.Gpu ? Gpu : Jobs;
}
