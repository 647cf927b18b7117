using Metrics.Contract;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// The centre's month at a glance, for finance: every institution's lines, the centre's usage day by day and GPU model
/// (<see cref="DailyUsage.Institution"/> empty), and the events dead-lettered over the month's UTC dates.
/// </summary>
public sealed record CentreOverview(
    UsageReport Report,
    IReadOnlyList<DailyUsage> Days,
    DailySource DaysSource,
    IReadOnlyDictionary<TelemetryStream, long> DeadLetters,
    DateOnly DeadLettersFrom,
    DateOnly DeadLettersTo,
    DateTimeOffset GeneratedAt
)
{
    public BillingMonth Month => Report.Month;
}
