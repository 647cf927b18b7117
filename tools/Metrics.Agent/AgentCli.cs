using System.CommandLine;
using Azure.Identity;
using Azure.Messaging.EventHubs.Producer;
using Metrics.Agent.Mapping;
using Metrics.Agent.Reading;
using Metrics.Agent.Sending;
using Metrics.Core.Validation;

namespace Metrics.Agent;

/// <summary>The <c>metrics-agent</c> command line. Exit codes: 0 success, 2 usage error, 1 failure (one line, no stack trace).</summary>
public static class AgentCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter log, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var cluster = new Option<string>("--cluster") { Description = "Cluster name, as in the contract.", Required = true };
        var node = new Option<string>("--node") { Description = "Node name (default: host name).", DefaultValueFactory = _ => Environment.MachineName.ToLowerInvariant() };
        var interval = new Option<int>("--interval-s") { Description = "Sampling interval in seconds.", DefaultValueFactory = _ => 15 };
        var smi = new Option<string>("--nvidia-smi") { Description = "nvidia-smi executable.", DefaultValueFactory = _ => "nvidia-smi" };
        var jobMap = new Option<string?>("--job-map-dir") { Description = "Directory of per-GPU-index job files (DCGM exporter HPC convention)." };
        var institutions = new Option<string?>("--institutions") { Description = "File of jobId,institution lines." };
        var zone = new Option<string?>("--node-timezone") { Description = "IANA zone of the node's clock (nvidia-smi prints local time); default: the system zone." };
        var connection = new Option<string?>("--connection-string") { Description = "Event Hubs connection string (or env EVENTHUB_CONNECTION_STRING)." };
        var ns = new Option<string?>("--namespace") { Description = "Event Hubs namespace host, for DefaultAzureCredential (managed identity)." };
        var hub = new Option<string>("--hub") { Description = "Event hub name.", DefaultValueFactory = _ => "gpu-telemetry" };
        var spool = new Option<string>("--spool") { Description = "Spool file for events not yet sent.", DefaultValueFactory = _ => "/var/spool/metrics-agent/events.jsonl" };
        var spoolMax = new Option<int>("--spool-max-mb") { Description = "Spool size limit in MiB.", DefaultValueFactory = _ => 256 };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print events instead of sending them." };
        var once = new Option<bool>("--once") { Description = "Take one sample and exit." };
        var root = new RootCommand("GPU node agent: nvidia-smi -> contract-v1 gpu-telemetry events -> Event Hubs.")
        {
            cluster, node, interval, smi, jobMap, institutions, zone, connection, ns, hub, spool, spoolMax, dryRun, once,
        };

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await log.WriteLineAsync($"metrics-agent: {string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ")))}").ConfigureAwait(false);
            return 2;
        }

        if (parsed.Action is not null && parsed.CommandResult.Command == root && args.Any(a => a is "--help" or "-h" or "-?"))
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output }, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            string? usage = Validate(parsed.GetValue(cluster)!, parsed.GetValue(node)!, parsed.GetValue(interval));
            if (usage is not null)
            {
                await log.WriteLineAsync($"metrics-agent: {usage}").ConfigureAwait(false);
                return 2;
            }

            var options = new AgentOptions
            {
                Cluster = parsed.GetValue(cluster)!,
                Node = parsed.GetValue(node)!,
                IntervalS = parsed.GetValue(interval),
                NvidiaSmi = parsed.GetValue(smi)!,
                JobMapDirectory = parsed.GetValue(jobMap),
                InstitutionsFile = parsed.GetValue(institutions),
                NodeTimeZone = parsed.GetValue(zone) is { } id ? FindZone(id) : TimeZoneInfo.Local,
                DryRun = parsed.GetValue(dryRun),
                Once = parsed.GetValue(once),
            };
            var builder = new TelemetryEventBuilder(options.Cluster, options.Node, options.IntervalS, new JobMapping(options.JobMapDirectory, options.InstitutionsFile));
            EventSender? sender = null;
            EventHubProducerClient? producer = null;
            if (!options.DryRun)
            {
                producer = CreateProducer(parsed.GetValue(connection) ?? environment("EVENTHUB_CONNECTION_STRING"), parsed.GetValue(ns), parsed.GetValue(hub)!);
                sender = new EventSender(producer, new EventSpool(parsed.GetValue(spool)!, parsed.GetValue(spoolMax) * 1024L * 1024L), options.Node, log);
            }

            try
            {
                await new NodeAgent(options, new NvidiaSmiProcess(options.NvidiaSmi), builder, sender, output, log, TimeProvider.System).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (producer is not null)
                {
                    await producer.DisposeAsync().ConfigureAwait(false);
                }
            }

            return 0;
        }
        catch (AgentFailure failure)
        {
            await log.WriteLineAsync($"metrics-agent: {failure.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (FormatException ex)
        {
            await log.WriteLineAsync($"metrics-agent: unexpected nvidia-smi output: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    private static string? Validate(string cluster, string node, int intervalS)
    {
        if (!ContractPatterns.Id().IsMatch(cluster))
        {
            return $"--cluster '{cluster}' is not a valid id ({ContractPatterns.Id()})";
        }

        if (!ContractPatterns.Id().IsMatch(node))
        {
            return $"--node '{node}' is not a valid id ({ContractPatterns.Id()})";
        }

        return intervalS is < ContractLimits.MinIntervalS or > ContractLimits.MaxIntervalS ? "--interval-s must be 1..3600" : null;
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

    private static EventHubProducerClient CreateProducer(string? connectionString, string? fullyQualifiedNamespace, string hub)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new EventHubProducerClient(connectionString, hub);
        }

        if (!string.IsNullOrWhiteSpace(fullyQualifiedNamespace))
        {
            return new EventHubProducerClient(fullyQualifiedNamespace, hub, new DefaultAzureCredential());
        }

        throw new AgentFailure("no Event Hubs connection: pass --connection-string (or set EVENTHUB_CONNECTION_STRING) or --namespace, or use --dry-run");
    }
}
