namespace Metrics.Core.Billing;

/// <summary>One billing month's usage for one (institution, GPU model), before pricing.</summary>
public sealed record MonthlyUsage(
    BillingMonth Month,
    string Institution,
    string GpuModel,
    int Jobs,
    decimal GpuHours,
    decimal ActiveGpuHours,
    decimal ObservedGpuHours,
    decimal CpuCoreHours)
{
    public UsageKey Key => new(Institution, GpuModel);
}
