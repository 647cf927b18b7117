using System.CommandLine;
using Azure.Identity;
using Azure.Messaging.EventHubs.Producer;
using Metrics.Agent.Mapping;
using Metrics.Agent.Reading;
using Metrics.Agent.Sending;
using Metrics.Agent.Spooling;
using Metrics.Core.Validation;

namespace Metrics.Agent;

/// <summary>The <c>metrics-agent</c> command line. Exit codes: 0 success, 2 usage error, 1 failure (one line, no stack trace).</summary>
public static class AgentCli
{
    public const string ConnectionStringVariable = "EVENTHUB_CONNECTION_STRING";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter log, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var cluster = new Option<string>("--cluster") { Description = "Cluster name, as in the contract.", Required = true };
        var node = new Option<string>("--node") { Description = "Node name (default: host name).", DefaultValueFactory = _ => Environment.MachineName.ToLowerInvariant() };
        var interval = new Option<int>("--interval-s") { Description = "Sampling interval in seconds.", DefaultValueFactory = _ => 15 };
        var smi = new Option<string>("--nvidia-smi") { Description = "nvidia-smi executable.", DefaultValueFactory = _ => "nvidia-smi" };
        var jobMap = new Option<string?>("--job-map-dir") { Description = "Directory of per-GPU-index job files (DCGM exporter HPC convention)." };
        var institutions = new Option<string?>("--institutions") { Description = "File of jobId,institution lines." };
        var zone = new Option<string?>("--node-timezone") { Description = "IANA zone of the node's clock (nvidia-smi prints local time); default: the system zone." };
        var connectionFile = new Option<string?>("--connection-string-file") { Description = $"File holding the Event Hubs connection string (or env {ConnectionStringVariable}). Never on the command line: ps and shell history would show it." };
        var ns = new Option<string?>("--namespace") { Description = "Event Hubs namespace host, for DefaultAzureCredential (managed identity)." };
        var hub = new Option<string>("--hub") { Description = "Event hub name.", DefaultValueFactory = _ => "gpu-telemetry" };
        var spool = new Option<string>("--spool-dir") { Description = "Directory of spool segments: events not yet sent.", DefaultValueFactory = _ => "/var/spool/metrics-agent" };
        var spoolMax = new Option<int>("--spool-max-mb") { Description = "Spool size limit in MiB (256 MiB holds about 12 days of 10 s samples of an 8-GPU node).", DefaultValueFactory = _ => 256 };
        var smiTimeout = new Option<int>("--nvidia-smi-timeout-s") { Description = "Seconds to wait for nvidia-smi before killing it and skipping the sample.", DefaultValueFactory = _ => 10 };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print events instead of sending them." };
        var once = new Option<bool>("--once") { Description = "Take one sample and exit." };
        var root = new RootCommand("GPU node agent: nvidia-smi -> contract-v1 gpu-telemetry events -> Event Hubs.")
        {
            cluster, node, interval, smi, smiTimeout, jobMap, institutions, zone, connectionFile, ns, hub, spool, spoolMax, dryRun, once,
        };

        if (args.Any(a => a == "--connection-string" || a.StartsWith("--connection-string=", StringComparison.Ordinal)))
        {
            await log.WriteLineAsync($"metrics-agent: --connection-string is not accepted: a secret on the command line is visible to every user in ps and stays in shell history; set {ConnectionStringVariable} or pass --connection-string-file").ConfigureAwait(false);
            return 2;
        }

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
            string? usage = Validate(parsed.GetValue(cluster)!, parsed.GetValue(node)!, parsed.GetValue(interval), parsed.GetValue(smiTimeout), parsed.GetValue(spoolMax));
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
            var sampler = new GpuSampler(
                new NvidiaSmiProcess(options.NvidiaSmi, TimeSpan.FromSeconds(parsed.GetValue(smiTimeout)), TimeProvider.System),
                new NvidiaSmiCsvParser(NvidiaSmiFields.Query, options.NodeTimeZone),
                builder,
                log,
                TimeProvider.System);
            if (options.DryRun)
            {
                bool dryRunOk = await new NodeAgent(options, sampler, spool: null, sender: null, output, log, TimeProvider.System).RunAsync(cancellationToken).ConfigureAwait(false);
                return dryRunOk ? 0 : 1;
            }

            string? connectionString = ReadConnectionString(parsed.GetValue(connectionFile), environment);
            await using EventHubProducerClient producer = CreateProducer(connectionString, parsed.GetValue(ns), parsed.GetValue(hub)!);
            using var eventSpool = new EventSpool(parsed.GetValue(spool)!, parsed.GetValue(spoolMax) * 1024L * 1024L);
            if (eventSpool.Count > 0)
            {
                await log.WriteLineAsync($"metrics-agent: {eventSpool.Count} event(s) spooled in {eventSpool.Directory} from an earlier run; sending them first").ConfigureAwait(false);
            }

            var sender = new EventSender(producer, eventSpool, options.Node, log, TimeProvider.System);
            bool ok = await new NodeAgent(options, sampler, eventSpool, sender, output, log, TimeProvider.System).RunAsync(cancellationToken).ConfigureAwait(false);
            return ok ? 0 : 1;
        }
        catch (AgentFailure failure)
        {
            await log.WriteLineAsync($"metrics-agent: {failure.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    private static string? Validate(string cluster, string node, int intervalS, int smiTimeoutS, int spoolMaxMb)
    {
        if (smiTimeoutS is < 1 or > 3600)
        {
            return "--nvidia-smi-timeout-s must be 1..3600";
        }

        if (spoolMaxMb is < 1 or > 1024 * 1024)
        {
            return "--spool-max-mb must be 1..1048576";
        }

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

    /// <summary>The connection string from <c>--connection-string-file</c> or the environment; never from the command line.</summary>
    private static string? ReadConnectionString(string? file, Func<string, string?> environment)
    {
        if (file is null)
        {
            return environment(ConnectionStringVariable);
        }

        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AgentFailure($"--connection-string-file {file}: {ex.Message}", ex);
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

        throw new AgentFailure($"no Event Hubs connection: set {ConnectionStringVariable}, pass --connection-string-file or --namespace, or use --dry-run");
    }
}
