using System.CommandLine;
using Metrics.Core.Validation;

namespace Metrics.Agent;

/// <summary>
/// The agent's options, each with its own validator, so that a bad value is a parse error (exit 2, one line) like any
/// other, named by the option.
/// </summary>
internal sealed class AgentCommand
{
    public AgentCommand()
    {
        Cluster.Validators.Add(r => MatchesId(r, Cluster.Name));
        Node.Validators.Add(r => MatchesId(r, Node.Name));
        Interval.Validators.Add(r => InRange(r, Interval.Name, ContractLimits.MinIntervalS, ContractLimits.MaxIntervalS));
        SmiTimeout.Validators.Add(r => InRange(r, SmiTimeout.Name, 1, 3600));
        SpoolMax.Validators.Add(r => InRange(r, SpoolMax.Name, 1, 1024 * 1024));
        Root = new RootCommand("GPU node agent: nvidia-smi -> contract-v1 gpu-telemetry events -> Event Hubs.")
        {
            Cluster,
            Node,
            Interval,
            NvidiaSmi,
            SmiTimeout,
            JobMap,
            Institutions,
            Zone,
            ConnectionFile,
            Namespace,
            Hub,
            Spool,
            SpoolMax,
            DryRun,
            Once,
        };
    }

    public RootCommand Root { get; }

    public Option<string> Cluster { get; } = new("--cluster") { Description = "Cluster name, as in the contract.", Required = true };

    public Option<string> Node { get; } =
        new("--node")
        {
            Description = "Node name (default: host name).",
            DefaultValueFactory = _ => Environment.MachineName.ToLowerInvariant(),
        };

    public Option<int> Interval { get; } =
        new("--interval-s") { Description = "Sampling interval in seconds.", DefaultValueFactory = _ => 15 };

    public Option<string> NvidiaSmi { get; } =
        new("--nvidia-smi") { Description = "nvidia-smi executable.", DefaultValueFactory = _ => "nvidia-smi" };

    public Option<int> SmiTimeout { get; } =
        new("--nvidia-smi-timeout-s")
        {
            Description = "Seconds to wait for nvidia-smi before killing it and skipping the sample.",
            DefaultValueFactory = _ => 10,
        };

    public Option<string?> JobMap { get; } =
        new("--job-map-dir") { Description = "Directory of per-GPU-index job files (DCGM exporter HPC convention)." };

    public Option<string?> Institutions { get; } = new("--institutions") { Description = "File of jobId,institution lines." };

    public Option<string?> Zone { get; } =
        new("--node-timezone") { Description = "IANA zone of the node's clock (nvidia-smi prints local time); default: the system zone." };

    public Option<string?> ConnectionFile { get; } =
        new("--connection-string-file")
        {
            Description =
                $"File holding the Event Hubs connection string (or env {AgentCli.ConnectionStringVariable}). Never on the command line: "
                + $"ps and shell history would show it.",
        };

    public Option<string?> Namespace { get; } =
        new("--namespace") { Description = "Event Hubs namespace host, for DefaultAzureCredential (managed identity)." };

    public Option<string> Hub { get; } = new("--hub") { Description = "Event hub name.", DefaultValueFactory = _ => "gpu-telemetry" };

    public Option<string> Spool { get; } =
        new("--spool-dir")
        {
            Description = "Directory of spool segments: events not yet sent.",
            DefaultValueFactory = _ => "/var/spool/metrics-agent",
        };

    public Option<int> SpoolMax { get; } =
        new("--spool-max-mb")
        {
            Description = "Spool size limit in MiB (256 MiB holds about 12 days of 10 s samples of an 8-GPU node).",
            DefaultValueFactory = _ => 256,
        };

    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Print events instead of sending them." };

    public Option<bool> Once { get; } = new("--once") { Description = "Take one sample and exit." };

    private static void MatchesId(System.CommandLine.Parsing.OptionResult result, string name)
    {
        string? value = result.GetValueOrDefault<string>();
        if (value is not null && !ContractPatterns.Id().IsMatch(value))
        {
            result.AddError($"{name} '{value}' is not a valid id ({ContractPatterns.Id()})");
        }
    }

    private static void InRange(System.CommandLine.Parsing.OptionResult result, string name, int min, int max)
    {
        int value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{name} must be {min}..{max}");
        }
    }
}
