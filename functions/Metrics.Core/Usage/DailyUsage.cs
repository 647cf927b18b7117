using Metrics.Core.Catalogue;

namespace Metrics.Core.Usage;

/// <summary>
/// One billing day's usage for one (institution, GPU model, account): the sum of the day's UTC hours (a local day of the
/// billing time zone, whose midnights are whole UTC hours). A month's lines are the sums of its days, so a month's
/// recompute reads at most 31 rows per line instead of up to 744.
/// </summary>
public sealed record DailyUsage(DateOnly Day, string Institution, string GpuModel, string Account, UsageSeconds Seconds)
{
    public UsageKey Key => new(Institution, GpuModel, Account);

    /// <summary>The parts' figures summed under one day and line (accounts, or institutions, summed away).</summary>
    public static DailyUsage Sum(DateOnly day, string institution, string gpuModel, IEnumerable<DailyUsage> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        UsageSeconds sum = default;
        foreach (DailyUsage part in parts)
        {
            sum += part.Seconds;
        }

        return new DailyUsage(day, institution, gpuModel, string.Empty, sum);
    }
}
