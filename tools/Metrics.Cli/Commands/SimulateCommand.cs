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
        var options = new SimulateOptions();
        var command = new Command(
            "simulate",
            "Simulate the cluster: contract-v1 event files with realistic shape and faults, and the expected bill (truth.csv)."
        );
        foreach (Option option in options.All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (!TryParseStart(result.GetValue(options.Start), out _))
            {
                result.AddError($"--start must be a UTC time such as 2026-11-30T12:00:00Z, got '{result.GetValue(options.Start)}'.");
            }
        });
        command.SetAction(
            (result, cancellationToken) =>
            {
                TryParseStart(result.GetValue(options.Start), out DateTimeOffset from);
                return RunAsync(context, options.Bind(result, from), result.GetValue(options.Output)!.FullName, cancellationToken);
            }
        );
        return command;
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
