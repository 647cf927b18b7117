using Metrics.Core.Usage;

namespace Metrics.Core.Pricing;

/// <summary>The effective-dated rate card. A month is priced with the rates in force on its first day.</summary>
public sealed class RateCard(IEnumerable<RateEntry> entries)
{
    public const string DefaultCurrency = "CNY";

    private readonly RateEntry[] _entries = entries
        .OrderBy(e => e.Kind)
        .ThenBy(e => e.GpuModel, StringComparer.Ordinal)
        .ThenBy(e => e.EffectiveFrom)
        .ToArray();

    public IReadOnlyList<RateEntry> Entries => _entries;

    public RateEntry? GpuRate(string gpuModel, BillingMonth month) => InForce(RateKind.Gpu, gpuModel, month.FirstDay);

    public RateEntry? CpuRate(BillingMonth month) => InForce(RateKind.Cpu, null, month.FirstDay);

    private RateEntry? InForce(RateKind kind, string? model, DateOnly day)
    {
        RateEntry? found = null;
        foreach (RateEntry entry in _entries)
        {
            if (entry.Kind == kind && string.Equals(entry.GpuModel, model, StringComparison.Ordinal) && entry.EffectiveFrom <= day)
            {
                found = entry;
            }
        }

        return found;
    }
}
