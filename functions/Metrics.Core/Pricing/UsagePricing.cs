using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Pricing;

/// <summary>
/// Prices monthly usage with the rate card: per line,
/// <c>amount = round(gpu_hours x gpu_rate + cpu_core_hours x cpu_rate, 2, MidpointRounding.AwayFromZero)</c>,
/// using the hours as reported (4 decimals) so that anyone can reproduce the amount from the CSV.
/// </summary>
public static class UsagePricing
{
    /// <summary>A line's amount from its reported hours; null when a rate it needs is missing.</summary>
    public static decimal? Amount(decimal gpuHours, decimal cpuHours, decimal? gpuRate, decimal? cpuRate) =>
        gpuRate is null || (cpuHours > 0 && cpuRate is null)
            ? null
            : Math.Round((gpuHours * gpuRate.Value) + (cpuHours * (cpuRate ?? 0m)), 2, MidpointRounding.AwayFromZero);

    public static UsageReport Price(BillingMonth month, string timeZoneId, IEnumerable<MonthlyUsage> usage, RateCard rates)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(rates);
        var warnings = new SortedSet<string>(StringComparer.Ordinal);
        RateEntry? cpu = rates.CpuRate(month);
        var lines = new List<UsageLine>();
        foreach (MonthlyUsage line in usage.OrderBy(u => u.Key))
        {
            RateEntry? gpu = rates.GpuRate(line.GpuModel, month);
            decimal gpuHours = UsageLine.ReportedHours(line.Seconds.Gpu),
                cpuHours = UsageLine.ReportedHours(line.Seconds.CpuCore);
            string currency = gpu?.Currency ?? cpu?.Currency ?? RateCard.DefaultCurrency;
            decimal? amount = null;
            if (gpu is null)
            {
                warnings.Add($"no GPU rate in force on {month.FirstDay:yyyy-MM-dd} for model '{line.GpuModel}': its lines are unpriced");
            }
            else if (cpuHours > 0 && cpu is null)
            {
                warnings.Add($"no CPU rate in force on {month.FirstDay:yyyy-MM-dd}: lines with CPU core-hours are unpriced");
            }
            else if (cpuHours > 0 && cpu!.Currency != gpu.Currency)
            {
                warnings.Add(
                    $"GPU rate for '{line.GpuModel}' is in {gpu.Currency} but the CPU rate is in {cpu.Currency}: those lines are unpriced"
                );
            }
            else
            {
                amount = Amount(gpuHours, cpuHours, gpu.Rate, cpu?.Rate);
            }

            lines.Add(new UsageLine(line, gpu?.Rate, cpu?.Rate, amount, currency));
        }

        return new UsageReport(month, timeZoneId, lines, warnings.ToArray());
    }
}
