namespace Metrics.Core.Billing;

/// <summary>One UTC hour's usage for one (institution, GPU model). Hours are exact decimals.</summary>
public sealed record HourlyUsage(
    DateTimeOffset Hour,
    string Institution,
    string GpuModel,
    int Jobs,
    decimal GpuHours,
    decimal CpuCoreHours,
    decimal ActiveGpuHours,
    decimal ObservedGpuHours)
{
    public UsageKey Key => new(Institution, GpuModel);
}
