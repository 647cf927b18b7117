namespace Metrics.Simulator;

/// <summary>
/// The names real producers report the simulator's models by: the node agent sends nvidia-smi's name, the Slurm
/// collector the job's gres type. The same names as tools/samples/gpu-models.json, the catalogue that maps them back
/// to the rate card's ids; the truth stays in those ids.
/// </summary>
public static class ReportedNames
{
    private static readonly Dictionary<string, (string NvidiaSmi, string GresType)> s_names = new(StringComparer.Ordinal)
    {
        ["H100-SXM5-80GB"] = ("NVIDIA H100 80GB HBM3", "h100"),
        ["A100-SXM4-40GB"] = ("NVIDIA A100-SXM4-40GB", "a100"),
        ["L40S-48GB"] = ("NVIDIA L40S", "l40s"),
    };

    /// <summary>What nvidia-smi calls the model.</summary>
    public static string NvidiaSmi(string model) => s_names.TryGetValue(model, out var names) ? names.NvidiaSmi : model;

    /// <summary>The model's gres type in Slurm's gres.conf.</summary>
    public static string GresType(string model) => s_names.TryGetValue(model, out var names) ? names.GresType : model;
}
