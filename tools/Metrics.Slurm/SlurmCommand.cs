using System.CommandLine;
using System.CommandLine.Parsing;
using Metrics.Core.Validation;
using Metrics.Producer.Sending;

namespace Metrics.Slurm;

/// <summary>
/// The collector's options, each with its own validator: a bad value is a parse error (exit 2, one line) naming the option.
/// </summary>
internal sealed class SlurmCommand
{
    public SlurmCommand()
    {
        Cluster.Validators.Add(r =>
        {
            string? value = r.GetValueOrDefault<string>();
            if (value is not null && !ContractPatterns.Id().IsMatch(value))
            {
                r.AddError($"--cluster '{value}' is not a valid id ({ContractPatterns.Id()})");
            }
        });
        DefaultModel.Validators.Add(r =>
        {
            string? value = r.GetValueOrDefault<string>();
            if (value is not null && !ContractPatterns.GpuModel().IsMatch(value))
            {
                r.AddError($"--default-gpu-model '{value}' is not a valid GPU model name");
            }
        });
        Interval.Validators.Add(r => InRange(r, Interval.Name, 1, 3600));
        Heartbeat.Validators.Add(r => InRange(r, Heartbeat.Name, 60, 86400));
        SqueueTimeout.Validators.Add(r => InRange(r, SqueueTimeout.Name, 1, 3600));
        SpoolMax.Validators.Add(r => InRange(r, SpoolMax.Name, 1, 1024 * 1024));
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

    public Option<string?> ConnectionFile { get; } =
        new("--connection-string-file")
        {
            Description =
                $"File holding the Event Hubs connection string (or env {EventHubConnection.ConnectionStringVariable}). Never on the "
                + $"command line: ps and shell history would show it.",
        };

    public Option<string?> Namespace { get; } =
        new("--namespace") { Description = "Event Hubs namespace host, for DefaultAzureCredential (managed identity)." };

    public Option<string> Hub { get; } = new("--hub") { Description = "Event hub name.", DefaultValueFactory = _ => "job-events" };

    public Option<string> Spool { get; } =
        new("--spool-dir")
        {
            Description = "Directory of spool segments: events not yet sent.",
            DefaultValueFactory = _ => "/var/spool/metrics-slurm/events",
        };

    public Option<int> SpoolMax { get; } =
        new("--spool-max-mb") { Description = "Spool size limit in MiB.", DefaultValueFactory = _ => 256 };

    public Option<bool> DryRun { get; } =
        new("--dry-run") { Description = "Print events as JSON lines instead of sending them; keep no state, delete no hook record." };

    public Option<bool> Once { get; } = new("--once") { Description = "Poll once (and try once to send) and exit." };

    private static void InRange(OptionResult result, string name, int min, int max)
    {
        int value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{name} must be {min}..{max}");
        }
    }
}
