using Metrics.Core.Catalogue;

namespace Metrics.Core.Usage;

/// <summary>One billing month's usage for one (institution, GPU model), before pricing, in exact
/// seconds; or, with <see cref="Account"/>, one project's part of that line.</summary>
public sealed record MonthlyUsage(BillingMonth Month, string Institution, string GpuModel, string Account, int Jobs, UsageSeconds Seconds)
{
    public UsageKey Key => new(Institution, GpuModel, Account);
}
