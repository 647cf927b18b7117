using Metrics.Contract;
using Metrics.Core.Lake;

namespace Metrics.Core.Compaction;

/// <summary>What compacting one stream-hour did.</summary>
/// <param name="Generation">The hour's compaction generation now visible (null: never compacted, nothing landed).</param>
/// <param name="Sources">Files read into the new generation (0: nothing new had landed since the last one).</param>
/// <param name="Deleted">Superseded files deleted, including those an interrupted run left behind.</param>
public sealed record HourCompaction(
    TelemetryStream Stream,
    DateTimeOffset Hour,
    int? Generation,
    int Sources,
    long RowsIn,
    long RowsOut,
    long BytesIn,
    long BytesOut,
    int Deleted
)
{
    /// <summary>The data files the new generation was written as (GPU rows: one per shard of uuid hash); 0 if none was written.</summary>
    public int Files { get; init; }

    /// <summary>What the hour's Parquet copy in the lake took (nothing when it was already there, or there is no lake).</summary>
    public LakeWrite Lake { get; init; } = LakeWrite.None;
}
