namespace Metrics.Core.Scan;

/// <summary>One GPU: its uuid's 128 bits, and whether it is a MIG instance (whose uuid lives in another namespace).</summary>
internal readonly record struct GpuKey(UInt128 Uuid, bool Mig);
