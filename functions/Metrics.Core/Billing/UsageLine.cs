namespace Metrics.Core.Billing;

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

    /// <summary>The CSV and JSON name of <see cref="Type"/>.</summary>
    public string TypeName => Type switch
    {
        UsageLineType.Adjustment => "adjustment",
        UsageLineType.Credit => "credit",
        _ => "usage",
    };

    /// <summary>Seconds as reported hours: divided by 3,600 once, then 4 decimals, rounded half away from zero.</summary>
    public static decimal ReportedHours(decimal seconds) => Math.Round(seconds / 3600m, 4, MidpointRounding.AwayFromZero);

    /// <summary>active / observed x 100, or null when nothing was observed (and on an adjustment, whose figures are differences).</summary>
    public decimal? AvgGpuUtilPct =>
        Usage.ObservedGpuSeconds == 0 || Type != UsageLineType.Usage ? null : Math.Round(Usage.ActiveGpuSeconds / Usage.ObservedGpuSeconds * 100m, 2, MidpointRounding.AwayFromZero);
}
