namespace Metrics.Core.Pricing;

/// <summary>What a rate prices: GPU-hours of one model, or CPU core-hours.</summary>
public enum RateKind
{
    Gpu,
    Cpu,
}
