using Metrics.Core.Catalogue;

namespace Metrics.Core.Catalogue;

/// <summary>The GPU-model catalogue as stored (table <c>gpumodels</c>).</summary>
public interface IGpuModelStore
{
    Task<GpuModelCatalogue> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds the models, replacing the aliases of any already stored. Refused whole (<see cref="FormatException"/>) when
    /// the catalogue that would result gives one name to two models.
    /// </summary>
    Task ImportAsync(IReadOnlyList<GpuModel> models, CancellationToken cancellationToken);
}
