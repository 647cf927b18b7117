namespace Metrics.Core.Billing;

/// <summary>A job's billed usage within one period (an hour or a month), in exact GPU- and CPU-core-seconds.</summary>
public sealed record JobUsage(string Cluster, string JobId, string Institution, string GpuModel, TimeSpan Billed, decimal GpuSeconds, decimal CpuCoreSeconds)
{
    public UsageKey Key => new(Institution, GpuModel);
}
