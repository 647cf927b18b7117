using Metrics.Core.Catalogue;

namespace Metrics.Core.Usage;

/// <summary>
/// One UTC hour's usage for one (institution, GPU model, account). Figures are exact decimal seconds (GPU-seconds,
/// core-seconds); reports divide by 3,600.
/// </summary>
public sealed record HourlyUsage(DateTimeOffset Hour, string Institution, string GpuModel, string Account, int Jobs, UsageSeconds Seconds)
{
    public UsageKey Key => new(Institution, GpuModel, Account);
}
