namespace Metrics.Core.Billing;

/// <summary>A job's billed usage within one period (an hour or a month).</summary>
public sealed record JobUsage(string Cluster, string JobId, string Institution, string GpuModel, TimeSpan Billed, decimal GpuHours, decimal CpuCoreHours)
{
    public UsageKey Key => new(Institution, GpuModel);
}
