namespace Metrics.Tests.Shared.Fakes;

public sealed class InMemoryRateCardStore : IRateCardStore
{
    private readonly Dictionary<(RateKind, string?, DateOnly), RateEntry> _entries = [];

    /// <summary>
    /// A card that prices what the tests' months hold (H100 28.50, A100 12.80, CPU 0.12 from 2026-01-01): a month closes
    /// only when every line is priced.
    /// </summary>
    public static InMemoryRateCardStore Standard()
    {
        var store = new InMemoryRateCardStore();
        foreach (
            RateEntry e in new[]
            {
                new RateEntry(RateKind.Gpu, "H100-SXM5-80GB", new DateOnly(2026, 1, 1), 28.50m, "CNY"),
                new RateEntry(RateKind.Gpu, "A100-SXM4-40GB", new DateOnly(2026, 1, 1), 12.80m, "CNY"),
                new RateEntry(RateKind.Cpu, null, new DateOnly(2026, 1, 1), 0.12m, "CNY"),
            }
        )
        {
            store._entries[(e.Kind, e.GpuModel, e.EffectiveFrom)] = e;
        }

        return store;
    }

    public Task<RateCard> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(new RateCard(_entries.Values.ToArray()));

    public Task ImportAsync(IReadOnlyList<RateEntry> entries, CancellationToken cancellationToken)
    {
        foreach (RateEntry e in entries)
        {
            _entries[(e.Kind, e.GpuModel, e.EffectiveFrom)] = e;
        }

        return Task.CompletedTask;
    }
}
