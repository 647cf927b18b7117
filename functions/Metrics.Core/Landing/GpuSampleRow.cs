using Metrics.Core.Catalogue;

namespace Metrics.Core.Landing;

/// <summary>The fields of a landed GPU row that billing reads, with its lineage for deterministic deduplication.</summary>
public sealed record GpuSampleRow(
    DateTimeOffset Ts,
    string GpuUuid,
    string GpuModel,
    string? Institution,
    double UtilPct,
    int IntervalS,
    string Partition,
    long Sequence,
    string? Cluster = null,
    string? JobId = null
);
