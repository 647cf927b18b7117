namespace Metrics.Core.Telemetry;

/// <summary>One GPU's reading inside a node sample. <see cref="JobId"/> and <see cref="Institution"/> are null on an idle GPU.</summary>
public sealed record GpuReading(
    string Uuid,
    int Index,
    string Model,
    string? JobId,
    string? Institution,
    double UtilPct,
    long MemUsedMiB,
    long MemTotalMiB,
    double? PowerW,
    double? TempC);
