namespace Metrics.Core.Billing;

/// <summary>Finance's monthly usage: one priced line per (institution, GPU model), sorted, plus pricing warnings.</summary>
public sealed record UsageReport(BillingMonth Month, string TimeZoneId, IReadOnlyList<UsageLine> Lines, IReadOnlyList<string> Warnings);
