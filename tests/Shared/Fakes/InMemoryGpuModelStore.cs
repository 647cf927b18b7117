using Metrics.Core.Catalogue;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>The catalogue in memory; <see cref="Fail"/> makes reads throw, as storage would in an outage.</summary>
public sealed class InMemoryGpuModelStore : IGpuModelStore
{
    private GpuModelCatalogue _catalogue = GpuModelCatalogue.Empty;

    public int Reads { get; private set; }

    public bool Fail { get; set; }

    public Task<GpuModelCatalogue> ReadAsync(CancellationToken cancellationToken)
    {
        Reads++;
        return Fail ? throw new IOException("storage is down") : Task.FromResult(_catalogue);
    }

    public Task ImportAsync(IReadOnlyList<GpuModel> models, CancellationToken cancellationToken)
    {
        _catalogue = _catalogue.With(models);
        return Task.CompletedTask;
    }
}
