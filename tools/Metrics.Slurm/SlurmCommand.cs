using System.CommandLine;
using Metrics.Producer.Hosting;

namespace Metrics.Slurm;

/// <summary>
/// The collector's options, each with its own validator: a bad value is a parse error (exit 2, one line) naming the
/// option. How it sends is every producer's (<see cref="SendingOptions"/>).
/// </summary>
internal sealed class SlurmCommand
{
    public SlurmCommand()
    {
        Cluster.ContractId();
        DefaultModel.GpuModelName();
        Interval.InRange(1, 3600);
        Heartbeat.InRange(60, 86400);
        SqueueTimeout.InRange(1, 3600);
        Root = new RootCommand("Slurm collector: the controller's jobs -> contract-v1 job events -> Event Hubs.")
        {
            Cluster,
            Accounts,
            Interval,
            Heartbeat,
            Squeue,
            SqueueTimeout,
            HookDir,
            StateDir,
            DefaultModel,
        };
        foreach (Option option in Sending.All)
        {
            Root.Options.Add(option);
        }
    }

    public RootCommand Root { get; }

    public SendingOptions Sending { get; } =
        new(
            hub: "job-events",
            spoolDirectory: "/var/spool/metrics-slurm/events",
            spoolLimit: "job events are small: 256 MiB holds millions",
            dryRun: "Print events as JSON lines instead of sending them; keep no state, delete no hook record.",
            once: "Poll once (and try once to send) and exit."
        );

    public Option<string> Cluster { get; } =
        new("--cluster") { Description = "Cluster name, as in the contract: the controller's ClusterName.", Required = true };

    public Option<string> Accounts { get; } =
        new("--accounts")
        {
            Description = "File of account,institution lines: which institution each Slurm account bills to.",
            Required = true,
        };

    public Option<int> Interval { get; } =
        new("--interval-s") { Description = "Seconds between polls of the controller.", DefaultValueFactory = _ => 30 };

    public Option<int> Heartbeat { get; } =
        new("--heartbeat-s")
        {
            Description = "Seconds between a running job's heartbeat events (each on a multiple of this since the epoch).",
            DefaultValueFactory = _ => 300,
        };

    public Option<string> Squeue { get; } = new("--squeue") { Description = "squeue executable.", DefaultValueFactory = _ => "squeue" };

    public Option<int> SqueueTimeout { get; } =
        new("--squeue-timeout-s")
        {
            Description = "Seconds to wait for squeue before killing it and skipping the poll.",
            DefaultValueFactory = _ => 60,
        };

    public Option<string> HookDir { get; } =
        new("--hook-dir")
        {
            Description = "Where PrologSlurmctld and EpilogSlurmctld (tools/slurm/) write their records.",
            DefaultValueFactory = _ => "/var/spool/metrics-slurm/hooks",
        };

    public Option<string> StateDir { get; } =
        new("--state-dir")
        {
            Description = "Where the collector keeps the runs it tracks and the events it has sent.",
            DefaultValueFactory = _ => "/var/lib/metrics-slurm",
        };

    public Option<string?> DefaultModel { get; } =
        new("--default-gpu-model")
        {
            Description = "GPU model for jobs whose gres names no type (--gres=gpu:2); without it they are held and logged.",
        };
}
