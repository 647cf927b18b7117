namespace Metrics.Contract;

/// <summary>
/// One GPU's reading inside a node sample. <see cref="JobId"/> and <see cref="Institution"/> are null on an idle GPU.
/// A value, held inline in its sample's array: a national hour decodes 5.7 million of them, and as objects they were
/// a third of the ingest's allocations.
/// </summary>
public readonly record struct GpuReading(
    string Uuid,
    int Index,
    string Model,
    string? JobId,
    string? Institution,
    double UtilPct,
    long MemUsedMiB,
    long MemTotalMiB,
    double? PowerW,
    double? TempC
);
