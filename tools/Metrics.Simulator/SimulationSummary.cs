namespace Metrics.Simulator;

/// <summary>Counts of what a simulation wrote.</summary>
public sealed record SimulationSummary(
    long GpuEvents,
    long JobEvents,
    long Duplicates,
    long LateEvents,
    long BadEvents,
    int SilentNodes,
    long Jobs,
    int TruthLines
);
