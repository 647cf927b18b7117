namespace Metrics.Core.Catalogue;

/// <summary>
/// One GPU model of the catalogue: its canonical id (the rate card's name, <c>H100-SXM5-80GB</c>) and the other names
/// producers report it by: nvidia-smi's and DCGM's (<c>NVIDIA H100 80GB HBM3</c>), the scheduler's gres type
/// (<c>h100</c>), a MIG profile's.
/// </summary>
public sealed record GpuModel(string Id, IReadOnlyList<string> Aliases);
