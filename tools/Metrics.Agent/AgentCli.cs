using System.CommandLine;
using Azure.Messaging.EventHubs.Producer;
using Metrics.Agent.Mapping;
using Metrics.Cli;

namespace Metrics.Agent;

/// <summary>
/// The <c>metrics-agent</c> command line. Exit codes are those of the <c>metrics</c> CLI (<see cref="ExitCodes"/>): 0
/// success, 2 usage error, 1 failure (one line, no stack trace).
/// </summary>
public static class AgentCli
{
    public const string ConnectionStringVariable = EventHubConnection.ConnectionStringVariable;

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
            await log.WriteLineAsync($"metrics-agent: {refusal}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var command = new AgentCommand();
        ParseResult parsed = command.Root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await log.WriteLineAsync($"metrics-agent: {string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ")))}")
                .ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (parsed.Action is not null && parsed.CommandResult.Command == command.Root && args.Any(a => a is "--help" or "-h" or "-?"))
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output }, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await RunAgentAsync(command, parsed, output, log, environment, cancellationToken).ConfigureAwait(false)
                ? ExitCodes.Success
                : ExitCodes.Failure;
        }
        catch (Exception failure) when (failure is AgentFailure or ProducerSetupException)
        {
            await log.WriteLineAsync($"metrics-agent: {failure.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Success;
        }
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
            DryRun = parsed.GetValue(command.DryRun),
            Once = parsed.GetValue(command.Once),
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

        string? connectionString = EventHubConnection.ReadConnectionString(parsed.GetValue(command.ConnectionFile), environment);
        await using EventHubProducerClient producer = EventHubConnection.CreateProducer(
            connectionString,
            parsed.GetValue(command.Namespace),
            parsed.GetValue(command.Hub)!
        );
        using var eventSpool = new EventSpool(parsed.GetValue(command.Spool)!, parsed.GetValue(command.SpoolMax) * 1024L * 1024L);
        if (eventSpool.Count > 0)
        {
            await log.WriteLineAsync(
                    $"metrics-agent: {eventSpool.Count} event(s) spooled in {eventSpool.Directory} from an earlier run; sending them first"
                )
                .ConfigureAwait(false);
        }

        // Every event of a node has the node as its partition key (the contract's), so a node's samples stay in order.
        string node = options.Node;
        var sender = new EventSender(producer, eventSpool, _ => node, "metrics-agent", log, TimeProvider.System);
        return await new NodeAgent(options, sampler, eventSpool, sender, output, log, TimeProvider.System)
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
