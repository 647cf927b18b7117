namespace Metrics.Agent.Reading;

/// <summary>One GPU as nvidia-smi reported it. Values nvidia-smi could not give (<c>[N/A]</c>) are null.</summary>
public sealed record GpuStatus(
    DateTimeOffset Timestamp,
    int Index,
    string Uuid,
    string Name,
    double? UtilPct,
    long? MemTotalMiB,
    long? MemUsedMiB,
    double? PowerW,
    double? PowerLimitW,
    double? TempC
);
