namespace Metrics.Simulator;

/// <summary>One node: its GPU model, whether its GPUs are MIG-partitioned (jobs take sevenths of a GPU), its schedule.</summary>
internal sealed class SimulatedNode(string name, string model, bool isMig, DateTimeOffset firstStart, int gpus)
{
    public string Name { get; } = name;
    public string Model { get; } = model;
    public bool IsMig { get; } = isMig;
    public DateTimeOffset NextStart { get; set; } = firstStart;
    public SimulatedJob? Job { get; set; }
    public DateTimeOffset? SilentFrom { get; set; }
    public DateTimeOffset SilentUntil { get; set; }

    public string[] GpuUuids { get; } = Enumerable.Range(0, gpus).Select(i => SyntheticGpuUuid.For(name, i)).ToArray();

    public bool IsSilentAt(DateTimeOffset ts) => SilentFrom is { } from && ts >= from && ts < SilentUntil;
}
