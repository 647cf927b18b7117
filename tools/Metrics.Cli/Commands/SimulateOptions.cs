using Metrics.Simulator;

namespace Metrics.Cli.Commands;

/// <summary>
/// The options of <c>metrics simulate</c>, one per field of <see cref="SimulationOptions"/>, with the simulator's own
/// defaults; <see cref="Bind"/> reads them back from a parse.
/// </summary>
internal sealed class SimulateOptions
{
    private static readonly SimulationOptions s_defaults = new() { Start = DateTimeOffset.UnixEpoch };

    public Option<int> Institutions { get; } =
        new("--institutions")
        {
            Description = "Institutions sharing the cluster (Zipf-distributed use).",
            DefaultValueFactory = _ => s_defaults.Institutions,
        };

    public Option<int> Nodes { get; } = new("--nodes") { Description = "GPU nodes.", DefaultValueFactory = _ => s_defaults.Nodes };

    public Option<int> GpusPerNode { get; } =
        new("--gpus-per-node") { Description = "GPUs per node.", DefaultValueFactory = _ => s_defaults.GpusPerNode };

    public Option<string> Start { get; } =
        new("--start") { Description = "Window start, UTC, e.g. 2026-11-30T12:00:00Z.", Required = true };

    public Option<int> Hours { get; } =
        new("--hours") { Description = "Window length in hours.", DefaultValueFactory = _ => s_defaults.Hours };

    public Option<int> Interval { get; } =
        new("--interval-s") { Description = "Sampling interval in seconds.", DefaultValueFactory = _ => s_defaults.IntervalS };

    public Option<int> Seed { get; } =
        new("--seed") { Description = "Random seed: the same seed gives the same files.", DefaultValueFactory = _ => s_defaults.Seed };

    public Option<DirectoryInfo> Output { get; } = new("--out") { Description = "Output directory.", Required = true };

    public Option<double> Dup { get; } =
        new("--dup-rate") { Description = "Share of events resent.", DefaultValueFactory = _ => s_defaults.DupRate };

    public Option<double> Late { get; } =
        new("--late-rate") { Description = "Share of job events delivered late.", DefaultValueFactory = _ => s_defaults.LateRate };

    public Option<double> Bad { get; } =
        new("--bad-rate") { Description = "Share of extra malformed events.", DefaultValueFactory = _ => s_defaults.BadRate };

    public Option<double> Silent { get; } =
        new("--silent-rate") { Description = "Share of nodes going silent for a while.", DefaultValueFactory = _ => s_defaults.SilentRate };

    public Option<int> Heartbeat { get; } =
        new("--heartbeat-s") { Description = "Seconds between job heartbeats.", DefaultValueFactory = _ => s_defaults.HeartbeatS };

    public Option<bool> RealNames { get; } =
        new("--real-names")
        {
            Description =
                "Name GPUs as real producers do: nvidia-smi's names in samples, Slurm gres types in job events (import "
                + "tools/samples/gpu-models.json before ingesting).",
        };

    public IEnumerable<Option> All =>
        [Institutions, Nodes, GpusPerNode, Start, Hours, Interval, Seed, Output, Dup, Late, Bad, Silent, Heartbeat, RealNames];

    /// <summary>The simulation a parse asks for; <paramref name="start"/> is <see cref="Start"/> already parsed.</summary>
    public SimulationOptions Bind(ParseResult result, DateTimeOffset start) =>
        new()
        {
            Institutions = result.GetValue(Institutions),
            Nodes = result.GetValue(Nodes),
            GpusPerNode = result.GetValue(GpusPerNode),
            Start = start,
            Hours = result.GetValue(Hours),
            IntervalS = result.GetValue(Interval),
            Seed = result.GetValue(Seed),
            DupRate = result.GetValue(Dup),
            LateRate = result.GetValue(Late),
            BadRate = result.GetValue(Bad),
            SilentRate = result.GetValue(Silent),
            HeartbeatS = result.GetValue(Heartbeat),
            RealNames = result.GetValue(RealNames),
        };
}
