namespace Metrics.Tests.Shared.Fakes;

public sealed class InMemoryRateCardStore : IRateCardStore
{
    private readonly Dictionary<(RateKind, string?, DateOnly), RateEntry> _entries = [];

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
