using System.CommandLine;
using Metrics.Cli;
using Metrics.Contract;
using Metrics.Producer.Hosting;
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
    public static Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter log,
        Func<string, string?> environment,
        CancellationToken cancellationToken
    )
    {
        var command = new SlurmCommand();
        return ProducerCommandLine.RunAsync(
            "metrics-slurm",
            command.Root,
            args,
            output,
            log,
            parsed => RunCollectorAsync(command, parsed, output, log, environment, cancellationToken),
            failure => failure is InvalidDataException,
            cancellationToken
        );
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
        TimeSpan interval = TimeSpan.FromSeconds(parsed.GetValue(command.Interval));
        bool once = parsed.GetValue(command.Sending.Once);
        if (parsed.GetValue(command.Sending.DryRun))
        {
            return await DryRunAsync(squeue, hooks, writer, output, log, interval, once, cancellationToken).ConfigureAwait(false);
        }

        // The contract's key, cluster:jobId, read back from each body: one job's events stay in order on one partition.
        await using SendingChannel channel = await command
            .Sending.OpenAsync(
                parsed,
                environment,
                "metrics-slurm",
                body => PartitionKeys.FromBody(TelemetryStream.Jobs, body) ?? string.Empty,
                log,
                TimeProvider.System
            )
            .ConfigureAwait(false);
        var collector = new SlurmCollector(squeue, hooks, CollectorState.Load(stateDirectory), writer, log, TimeProvider.System)
        {
            StateDirectory = stateDirectory,
            Emit = body =>
            {
                SpoolAppend appended = channel.Spool.Append(body);
                if (!appended.Queued)
                {
                    log.WriteLine($"metrics-slurm: EVENT NOT SPOOLED ({appended.Reason}); it is offered again next poll");
                }

                channel.Sender.Wake();
                return appended.Queued;
            },
        };
        return await new CollectorLoop(collector, log).RunAsync(interval, once, channel.Sender, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>--dry-run</c>: each event printed on its own line instead of spooled and sent; no state is kept.</summary>
    private static Task<bool> DryRunAsync(
        SqueueProcess squeue,
        HookDirectory hooks,
        JobEventWriter writer,
        TextWriter output,
        TextWriter log,
        TimeSpan interval,
        bool once,
        CancellationToken cancellationToken
    )
    {
        var printing = new SlurmCollector(squeue, hooks, new CollectorState(), writer, log, TimeProvider.System)
        {
            Emit = body =>
            {
                output.WriteLine(Encoding.UTF8.GetString(body));
                return true;
            },
        };
        return new CollectorLoop(printing, log).RunAsync(interval, once, sender: null, cancellationToken);
    }
}
