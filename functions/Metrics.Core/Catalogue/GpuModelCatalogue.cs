namespace Metrics.Core.Catalogue;

/// <summary>
/// Every name a producer may report a GPU by, mapped to its model's canonical id. Names match without regard to case
/// (nvidia-smi writes <c>NVIDIA H100 80GB HBM3</c>, Slurm's gres types are usually lower case, and a rate card is typed
/// by hand): two names that differ only in case are one name. Immutable: ingest takes one snapshot per batch.
/// </summary>
public sealed class GpuModelCatalogue
{
    private readonly Dictionary<string, string> _canonical;

    public GpuModelCatalogue(IEnumerable<GpuModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        Models = models.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
        _canonical = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (GpuModel model in Models)
        {
            foreach (string name in model.Aliases.Prepend(model.Id))
            {
                if (_canonical.TryGetValue(name, out string? other) && !string.Equals(other, model.Id, StringComparison.Ordinal))
                {
                    throw new FormatException($"GPU model name '{name}' names both '{other}' and '{model.Id}'");
                }

                _canonical[name] = model.Id;
            }
        }
    }

    /// <summary>No models: every name is unknown and lands as sent.</summary>
    public static GpuModelCatalogue Empty { get; } = new([]);

    public IReadOnlyList<GpuModel> Models { get; }

    /// <summary>The model's canonical id for a reported name, or null when the catalogue does not know the name.</summary>
    public string? Find(string reported) => _canonical.GetValueOrDefault(reported);

    /// <summary>
    /// The canonical id, or the name as reported when the catalogue does not know it (so nothing is lost or merged by guess).
    /// </summary>
    public string Canonical(string reported) => Find(reported) ?? reported;

    /// <summary>Whether <paramref name="reported"/> is a name the catalogue knows (an id or an alias).</summary>
    public bool Knows(string reported) => _canonical.ContainsKey(reported);

    /// <summary>
    /// This catalogue with <paramref name="imported"/> added: a model imported again has its aliases replaced by the
    /// import's. Throws <see cref="FormatException"/> when the result would give one name to two models.
    /// </summary>
    public GpuModelCatalogue With(IReadOnlyList<GpuModel> imported)
    {
        ArgumentNullException.ThrowIfNull(imported);
        var ids = new HashSet<string>(imported.Select(m => m.Id), StringComparer.OrdinalIgnoreCase);
        return new GpuModelCatalogue(Models.Where(m => !ids.Contains(m.Id)).Concat(imported));
    }
}
