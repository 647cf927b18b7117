namespace Metrics.Agent;

/// <summary>How the agent runs on one node.</summary>
public sealed record AgentOptions
{
    public required string Cluster { get; init; }
    public required string Node { get; init; }
    public int IntervalS { get; init; } = 15;
    public string NvidiaSmi { get; init; } = "nvidia-smi";
    public string? JobMapDirectory { get; init; }
    public string? InstitutionsFile { get; init; }
    public TimeZoneInfo NodeTimeZone { get; init; } = TimeZoneInfo.Local;
    public bool DryRun { get; init; }
    public bool Once { get; init; }
}
