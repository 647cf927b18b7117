using Metrics.Core.Reports;

namespace Metrics.Core.Ledger;

/// <summary>
/// Lines of a month that have no price, by what they lack: a GPU model's rate (<see cref="Model"/> names it) or the CPU
/// rate (<see cref="Model"/> is null). A close refuses while any exists: a statement is frozen for ever, and a line
/// frozen unpriced could never be billed. A model that is free has a rate of 0 in the rate card, explicitly.
/// </summary>
public sealed record UnpricedLines(string? Model, int Lines, decimal GpuHours)
{
    /// <summary>What the month's report lacks, one entry per missing rate, GPU models first in name order.</summary>
    public static IReadOnlyList<UnpricedLines> Of(UsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report
            .Lines.Where(l => !l.Priced)
            .GroupBy(l => l.GpuRate is null ? l.Usage.GpuModel : null)
            .Select(g => new UnpricedLines(g.Key, g.Count(), g.Sum(l => l.Usage.Seconds.Gpu) / 3600m))
            .OrderBy(u => u.Model is null)
            .ThenBy(u => u.Model, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>One line for a person: <c>H100-SXM5-80GB: 3 line(s), 12.5000 GPU-hours without a GPU rate</c>.</summary>
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Model ?? "CPU"}: {Lines} line(s), {decimal.Round(GpuHours, 4):0.0000} GPU-hours without a "
                + $"{(Model is null ? "CPU" : "GPU")} rate"
        );
}
