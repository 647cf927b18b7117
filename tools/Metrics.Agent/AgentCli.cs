using System.CommandLine;
using Metrics.Agent.Mapping;
using Metrics.Cli;
using Metrics.Producer.Hosting;

namespace Metrics.Agent;

/// <summary>
/// The <c>metrics-agent</c> command line. Exit codes are those of the <c>metrics</c> CLI (<see cref="ExitCodes"/>): 0
/// success, 2 usage error, 1 failure (one line, no stack trace).
/// </summary>
public static class AgentCli
{
    public static Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter log,
        Func<string, string?> environment,
        CancellationToken cancellationToken
    )
    {
        var command = new AgentCommand();
        return ProducerCommandLine.RunAsync(
            "metrics-agent",
            command.Root,
            args,
            output,
            log,
            parsed => RunAgentAsync(command, parsed, output, log, environment, cancellationToken),
            failure => failure is AgentFailure,
            cancellationToken
        );
    }

    /// <summary>Samples (and sends, unless a dry run) until stopped, or once; false if it could not do its work.</summary>
    private static async Task<bool> RunAgentAsync(
        AgentCommand command,
        ParseResult parsed,
        TextWriter output,
        TextWriter log,
        Func<string, string?> environment,
        CancellationToken cancellationToken
    )
    {
        var options = new AgentOptions
        {
            Cluster = parsed.GetValue(command.Cluster)!,
            Node = parsed.GetValue(command.Node)!,
            IntervalS = parsed.GetValue(command.Interval),
            NvidiaSmi = parsed.GetValue(command.NvidiaSmi)!,
            JobMapDirectory = parsed.GetValue(command.JobMap),
            InstitutionsFile = parsed.GetValue(command.Institutions),
            NodeTimeZone = parsed.GetValue(command.Zone) is { } id ? FindZone(id) : TimeZoneInfo.Local,
            DryRun = parsed.GetValue(command.Sending.DryRun),
            Once = parsed.GetValue(command.Sending.Once),
        };
        var builder = new TelemetryEventBuilder(
            options.Cluster,
            options.Node,
            options.IntervalS,
            new JobMapping(options.JobMapDirectory, options.InstitutionsFile)
        );
        var sampler = new GpuSampler(
            new NvidiaSmiProcess(options.NvidiaSmi, TimeSpan.FromSeconds(parsed.GetValue(command.SmiTimeout)), TimeProvider.System),
            new NvidiaSmiCsvParser(NvidiaSmiFields.Query, options.NodeTimeZone),
            builder,
            log,
            TimeProvider.System
        );
        if (options.DryRun)
        {
            return await new NodeAgent(options, sampler, spool: null, sender: null, output, log, TimeProvider.System)
                .RunAsync(cancellationToken)
                .ConfigureAwait(false);
        }

        // Every event of a node has the node as its partition key (the contract's), so a node's samples stay in order.
        string node = options.Node;
        await using SendingChannel channel = await command
            .Sending.OpenAsync(parsed, environment, "metrics-agent", _ => node, log, TimeProvider.System)
            .ConfigureAwait(false);
        return await new NodeAgent(options, sampler, channel.Spool, channel.Sender, output, log, TimeProvider.System)
            .RunAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new AgentFailure($"--node-timezone '{id}' is not a known time zone", ex);
        }
    }
}
