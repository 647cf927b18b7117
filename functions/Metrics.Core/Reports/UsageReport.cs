using Metrics.Core.Usage;

namespace Metrics.Core.Reports;

/// <summary>
/// Finance's monthly usage: one priced line per (institution, GPU model), sorted, plus pricing warnings. A closed month's
/// report comes from its frozen statement and carries its <see cref="Seal"/>; an open month's has none (provisional).
/// </summary>
public sealed record UsageReport(BillingMonth Month, string TimeZoneId, IReadOnlyList<UsageLine> Lines, IReadOnlyList<string> Warnings)
{
    public StatementSeal? Seal { get; init; }

    public bool Closed => Seal is not null;

    /// <summary>Whether the usage lines are split by account (project): see <see cref="AccountBreakdown"/>.</summary>
    public bool ByAccount { get; init; }
}
