namespace Metrics.Core.Billing;

/// <summary>One billing month's usage for one (institution, GPU model), before pricing, in exact seconds.</summary>
public sealed record MonthlyUsage(
    BillingMonth Month,
    string Institution,
    string GpuModel,
    int Jobs,
    decimal GpuSeconds,
    decimal ActiveGpuSeconds,
    decimal ObservedGpuSeconds,
    decimal CpuCoreSeconds)
{
    public UsageKey Key => new(Institution, GpuModel);
}
