namespace Metrics.Contract;

/// <summary>
/// A validated <c>gpu-telemetry/1</c> event: one node's GPUs over the interval <c>[Ts - IntervalS, Ts)</c>.
/// </summary>
public sealed record GpuSample(string Cluster, string Node, DateTimeOffset Ts, int IntervalS, IReadOnlyList<GpuReading> Gpus);
