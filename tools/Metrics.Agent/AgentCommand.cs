using System.CommandLine;
using Metrics.Contract;
using Metrics.Producer.Hosting;

namespace Metrics.Agent;

/// <summary>
/// The agent's options, each with its own validator, so that a bad value is a parse error (exit 2, one line) like any
/// other, named by the option. How it sends is every producer's (<see cref="SendingOptions"/>).
/// </summary>
internal sealed class AgentCommand
{
    public AgentCommand()
    {
        Cluster.ContractId();
        Node.ContractId();
        Interval.InRange(ContractLimits.MinIntervalS, ContractLimits.MaxIntervalS);
        SmiTimeout.InRange(1, 3600);
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
        };
        foreach (Option option in Sending.All)
        {
            Root.Options.Add(option);
        }
    }

    public RootCommand Root { get; }

    public SendingOptions Sending { get; } =
        new(
            hub: "gpu-telemetry",
            spoolDirectory: "/var/spool/metrics-agent",
            spoolLimit: "256 MiB holds about 12 days of 10 s samples of an 8-GPU node",
            dryRun: "Print events instead of sending them.",
            once: "Take one sample and exit."
        );

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
}
