namespace Metrics.Slurm.Controller;

/// <summary>
/// One job as the controller shows it (<c>squeue --json</c> or a hook's <c>scontrol show job</c>): what the collector
/// needs to report its current run. Times are Unix seconds, as Slurm keeps them.
/// </summary>
public sealed record SlurmJob
{
    public required string JobId { get; init; }

    /// <summary>The base state: <c>PENDING</c>, <c>RUNNING</c>, <c>COMPLETED</c>, <c>FAILED</c>, ...</summary>
    public required string State { get; init; }

    public string? Account { get; init; }

    public string? User { get; init; }

    public string? Partition { get; init; }

    public string? Cluster { get; init; }

    public long? SubmitTime { get; init; }

    public long? StartTime { get; init; }

    /// <summary>Meaningful only once the job has finished: a running or pending job's is a far-future placeholder.</summary>
    public long? EndTime { get; init; }

    /// <summary>How often the job was requeued: the number of its current run (the first run is 0).</summary>
    public int RestartCount { get; init; }

    /// <summary>The nodes of the current run; empty when the run never started (pending, or cancelled while pending).</summary>
    public string? Nodes { get; init; }

    public int NodeCount { get; init; } = 1;

    public int? Cpus { get; init; }

    public double? MemGiB { get; init; }

    public GpuAllocation? Gpus { get; init; }

    /// <summary>States in which the current run holds its resources.</summary>
    public static IReadOnlySet<string> Running { get; } =
        new HashSet<string>(StringComparer.Ordinal)
        {
            "RUNNING",
            "SUSPENDED",
            "COMPLETING",
            "CONFIGURING",
            "RESIZING",
            "STOPPED",
            "SIGNALING",
        };

    /// <summary>States in which the job is over; each is reported as the run's exit state.</summary>
    public static IReadOnlySet<string> Finished { get; } =
        new HashSet<string>(StringComparer.Ordinal)
        {
            "COMPLETED",
            "FAILED",
            "CANCELLED",
            "TIMEOUT",
            "NODE_FAIL",
            "OUT_OF_MEMORY",
            "PREEMPTED",
            "BOOT_FAIL",
            "DEADLINE",
            "SPECIAL_EXIT",
        };

    /// <summary>The current run started: it has nodes and a start time (a job cancelled while pending has neither).</summary>
    public bool HasRun => !string.IsNullOrEmpty(Nodes) && StartTime is > 0 && (Running.Contains(State) || Finished.Contains(State));

    public bool IsRunning => HasRun && Running.Contains(State);

    public bool IsFinished => HasRun && Finished.Contains(State);
}
