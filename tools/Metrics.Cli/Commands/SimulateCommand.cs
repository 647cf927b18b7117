using Metrics.Simulator;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics simulate --institutions 5000 --nodes 2000 --gpus-per-node 8 --start UTC --hours H --interval-s 15
/// --seed S --out DIR</c> plus fault rates: writes gpu.jsonl, jobs.jsonl and truth.csv.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new SimulationOptions { Start = DateTimeOffset.UnixEpoch };
        var institutions = new Option<int>("--institutions")
        {
            Description = "Institutions sharing the cluster (Zipf-distributed use).",
            DefaultValueFactory = _ => defaults.Institutions,
        };
        var nodes = new Option<int>("--nodes") { Description = "GPU nodes.", DefaultValueFactory = _ => defaults.Nodes };
        var gpusPerNode = new Option<int>("--gpus-per-node")
        {
            Description = "GPUs per node.",
            DefaultValueFactory = _ => defaults.GpusPerNode,
        };
        var start = new Option<string>("--start") { Description = "Window start, UTC, e.g. 2026-11-30T12:00:00Z.", Required = true };
        var hours = new Option<int>("--hours") { Description = "Window length in hours.", DefaultValueFactory = _ => defaults.Hours };
        var interval = new Option<int>("--interval-s")
        {
            Description = "Sampling interval in seconds.",
            DefaultValueFactory = _ => defaults.IntervalS,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Random seed: the same seed gives the same files.",
            DefaultValueFactory = _ => defaults.Seed,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output directory.", Required = true };
        var dup = new Option<double>("--dup-rate") { Description = "Share of events resent.", DefaultValueFactory = _ => defaults.DupRate };
        var late = new Option<double>("--late-rate")
        {
            Description = "Share of job events delivered late.",
            DefaultValueFactory = _ => defaults.LateRate,
        };
        var bad = new Option<double>("--bad-rate")
        {
            Description = "Share of extra malformed events.",
            DefaultValueFactory = _ => defaults.BadRate,
        };
        var silent = new Option<double>("--silent-rate")
        {
            Description = "Share of nodes going silent for a while.",
            DefaultValueFactory = _ => defaults.SilentRate,
        };
        var heartbeat = new Option<int>("--heartbeat-s")
        {
            Description = "Seconds between job heartbeats.",
            DefaultValueFactory = _ => defaults.HeartbeatS,
        };
        var realNames = new Option<bool>("--real-names")
        {
            Description =
                "Name GPUs as real producers do: nvidia-smi's names in samples, Slurm gres types in job events (import "
                + "tools/samples/gpu-models.json before ingesting).",
        };

        var command = new Command(
            "simulate",
            "Simulate the cluster: contract-v1 event files with realistic shape and faults, and the expected bill (truth.csv)."
        )
        {
            institutions,
            nodes,
            gpusPerNode,
            start,
            hours,
            interval,
            seed,
            output,
            dup,
            late,
            bad,
            silent,
            heartbeat,
            realNames,
        };
        command.Validators.Add(result =>
        {
            if (!TryParseStart(result.GetValue(start), out _))
            {
                result.AddError($"--start must be a UTC time such as 2026-11-30T12:00:00Z, got '{result.GetValue(start)}'.");
            }
        });
        command.SetAction(
            (result, cancellationToken) =>
                RunAsync(
                    context,
                    result,
                    institutions,
                    nodes,
                    gpusPerNode,
                    start,
                    hours,
                    interval,
                    seed,
                    output,
                    dup,
                    late,
                    bad,
                    silent,
                    heartbeat,
                    realNames,
                    cancellationToken
                )
        );
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Option<int> institutions,
        Option<int> nodes,
        Option<int> gpusPerNode,
        Option<string> start,
        Option<int> hours,
        Option<int> interval,
        Option<int> seed,
        Option<DirectoryInfo> output,
        Option<double> dup,
        Option<double> late,
        Option<double> bad,
        Option<double> silent,
        Option<int> heartbeat,
        Option<bool> realNames,
        CancellationToken cancellationToken
    )
    {
        TryParseStart(result.GetValue(start), out DateTimeOffset from);
        var options = new SimulationOptions
        {
            Institutions = result.GetValue(institutions),
            Nodes = result.GetValue(nodes),
            GpusPerNode = result.GetValue(gpusPerNode),
            Start = from,
            Hours = result.GetValue(hours),
            IntervalS = result.GetValue(interval),
            Seed = result.GetValue(seed),
            DupRate = result.GetValue(dup),
            LateRate = result.GetValue(late),
            BadRate = result.GetValue(bad),
            SilentRate = result.GetValue(silent),
            HeartbeatS = result.GetValue(heartbeat),
            RealNames = result.GetValue(realNames),
        };
        return await RunAsync(context, options, result.GetValue(output)!.FullName, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<int> RunAsync(
        CliContext context,
        SimulationOptions options,
        string directory,
        CancellationToken cancellationToken
    )
    {
        if (options.Validate() is { } problem)
        {
            await context.Error.WriteLineAsync($"metrics: {problem}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var simulator = new ClusterSimulator(options, context.CreateCalendar().Zone);
        SimulationSummary summary = await context
            .WithProgressAsync("simulating", progress => simulator.RunAsync(directory, progress, cancellationToken))
            .ConfigureAwait(false);
        await context
            .Out.WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"gpu_events={summary.GpuEvents} job_events={summary.JobEvents} jobs={summary.Jobs} duplicates={summary.Duplicates} "
                        + $"late={summary.LateEvents} bad={summary.BadEvents} silent_nodes={summary.SilentNodes} "
                        + $"truth_lines={summary.TruthLines} out={directory}"
                )
            )
            .ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static bool TryParseStart(string? text, out DateTimeOffset start)
    {
        start = default;
        if (!CliTime.TryParseZoned(text, out DateTimeOffset parsed))
        {
            return false;
        }

        start = new DateTimeOffset(parsed.Ticks - (parsed.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        return true;
    }
}
