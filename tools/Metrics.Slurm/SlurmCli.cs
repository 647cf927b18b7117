using System.CommandLine;
using Azure.Messaging.EventHubs.Producer;
using Metrics.Cli;
using Metrics.Producer.Sending;
using Metrics.Producer.Spooling;
using Metrics.Slurm.Controller;
using Metrics.Slurm.Hooks;
using Metrics.Slurm.Mapping;
using Metrics.Slurm.Runs;

namespace Metrics.Slurm;

/// <summary>
/// The <c>metrics-slurm</c> command line. Exit codes are those of the <c>metrics</c> CLI (<see cref="ExitCodes"/>): 0
/// success, 2 usage error, 1 failure (one line, no stack trace).
/// </summary>
public static class SlurmCli
{
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter log,
        Func<string, string?> environment,
        CancellationToken cancellationToken
    )
    {
        if (EventHubConnection.RefuseSecretOnCommandLine(args) is { } refusal)
        {
            await log.WriteLineAsync($"metrics-slurm: {refusal}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var command = new SlurmCommand();
        ParseResult parsed = command.Root.Parse(args);
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output }, cancellationToken).ConfigureAwait(false);
        }

        if (parsed.Errors.Count > 0)
        {
            await log.WriteLineAsync($"metrics-slurm: {string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ")))}")
                .ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            return await RunCollectorAsync(command, parsed, output, log, environment, cancellationToken).ConfigureAwait(false)
                ? ExitCodes.Success
                : ExitCodes.Failure;
        }
        catch (Exception failure) when (failure is ProducerSetupException or InvalidDataException)
        {
            await log.WriteLineAsync($"metrics-slurm: {failure.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Success;
        }
    }

    private static async Task<bool> RunCollectorAsync(
        SlurmCommand command,
        ParseResult parsed,
        TextWriter output,
        TextWriter log,
        Func<string, string?> environment,
        CancellationToken cancellationToken
    )
    {
        bool dryRun = parsed.GetValue(command.DryRun);
        string stateDirectory = parsed.GetValue(command.StateDir)!;
        var writer = new JobEventWriter(
            parsed.GetValue(command.Cluster)!,
            new AccountInstitutions(parsed.GetValue(command.Accounts)!),
            parsed.GetValue(command.DefaultModel),
            parsed.GetValue(command.Heartbeat),
            log
        );
        var squeue = new SqueueProcess(parsed.GetValue(command.Squeue)!, TimeSpan.FromSeconds(parsed.GetValue(command.SqueueTimeout)));
        var hooks = new HookDirectory(parsed.GetValue(command.HookDir)!, log);
        var options = new CollectorLoop.Options(TimeSpan.FromSeconds(parsed.GetValue(command.Interval)), parsed.GetValue(command.Once));
        if (dryRun)
        {
            var printing = new SlurmCollector(squeue, hooks, new CollectorState(), writer, log, TimeProvider.System)
            {
                Emit = body =>
                {
                    output.WriteLine(Encoding.UTF8.GetString(body));
                    return true;
                },
            };
            return await new CollectorLoop(printing, sender: null, log, TimeProvider.System)
                .RunAsync(options, cancellationToken)
                .ConfigureAwait(false);
        }

        string? connectionString = EventHubConnection.ReadConnectionString(parsed.GetValue(command.ConnectionFile), environment);
        await using EventHubProducerClient producer = EventHubConnection.CreateProducer(
            connectionString,
            parsed.GetValue(command.Namespace),
            parsed.GetValue(command.Hub)!
        );
        using var spool = new EventSpool(parsed.GetValue(command.Spool)!, parsed.GetValue(command.SpoolMax) * 1024L * 1024L);
        // The contract's key, cluster:jobId, read back from each body: one job's events stay in order on one partition.
        var sender = new EventSender(
            producer,
            spool,
            body => Metrics.Core.Telemetry.PartitionKeys.FromBody(Metrics.Core.Telemetry.TelemetryStream.Jobs, body) ?? string.Empty,
            "metrics-slurm",
            log,
            TimeProvider.System
        );
        var collector = new SlurmCollector(squeue, hooks, CollectorState.Load(stateDirectory), writer, log, TimeProvider.System)
        {
            StateDirectory = stateDirectory,
            Emit = body =>
            {
                SpoolAppend appended = spool.Append(body);
                if (!appended.Queued)
                {
                    log.WriteLine($"metrics-slurm: EVENT NOT SPOOLED ({appended.Reason}); it is offered again next poll");
                }

                sender.Wake();
                return appended.Queued;
            },
        };
        return await new CollectorLoop(collector, sender, log, TimeProvider.System)
            .RunAsync(options, cancellationToken)
            .ConfigureAwait(false);
    }
}
