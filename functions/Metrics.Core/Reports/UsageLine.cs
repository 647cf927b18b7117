using Metrics.Core.Usage;

namespace Metrics.Core.Reports;

/// <summary>
/// A priced line of the monthly usage report. <see cref="Amount"/> is null when the line is unpriced (no rate in force
/// for its GPU model, or for CPU while it has CPU core-hours): it is never silently billed at zero.
/// </summary>
public sealed record UsageLine(MonthlyUsage Usage, decimal? GpuRate, decimal? CpuRate, decimal? Amount, string Currency)
{
    public bool Priced => Amount is not null;

    public UsageLineType Type { get; init; } = UsageLineType.Usage;

    /// <summary>For an adjustment: the closed month it corrects.</summary>
    public BillingMonth? AdjustsMonth { get; init; }

    /// <summary>For a credit: the voucher that pays it.</summary>
    public string? VoucherId { get; init; }

    /// <summary>
    /// In a report by account: the project this part of the line is for (empty for usage no job's account holds, and on
    /// adjustment and credit lines, which are the institution's); null in a report by institution.
    /// </summary>
    public string? Account { get; init; }

    /// <summary>The CSV and JSON name of <see cref="Type"/>.</summary>
    public string TypeName =>
        Type switch
        {
            UsageLineType.Adjustment => "adjustment",
            UsageLineType.Credit => "credit",
            _ => "usage",
        };

    /// <summary>Seconds as reported hours: divided by 3,600 once, then 4 decimals, rounded half away from zero.</summary>
    public static decimal ReportedHours(decimal seconds) => Math.Round(seconds / 3600m, 4, MidpointRounding.AwayFromZero);

    /// <summary>
    /// active / observed x 100, or null when nothing was observed (and on an adjustment, whose figures are differences).
    /// An account's part of a line sets it from the account's exact seconds, not from its allocated hours.
    /// </summary>
    public decimal? AvgGpuUtilPct
    {
        get => _avgGpuUtilPct ?? UtilPct(Usage.Seconds.ActiveGpu, Usage.Seconds.ObservedGpu, Type);
        init => _avgGpuUtilPct = value;
    }

    private readonly decimal? _avgGpuUtilPct;

    /// <summary>active / observed x 100 with 2 decimals, half away from zero; null when nothing was observed or not usage.</summary>
    public static decimal? UtilPct(decimal activeSeconds, decimal observedSeconds, UsageLineType type = UsageLineType.Usage) =>
        observedSeconds == 0 || type != UsageLineType.Usage
            ? null
            : Math.Round(activeSeconds / observedSeconds * 100m, 2, MidpointRounding.AwayFromZero);
}
