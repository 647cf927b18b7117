namespace Metrics.Slurm.Runs;

/// <summary>
/// One run of one job (a requeued job's next run is a new run), as the collector knows it, and which of its events
/// are sent. Times are Unix seconds. Kept in the collector's state file between polls and restarts.
/// </summary>
public sealed class TrackedRun
{
    public required string JobId { get; init; }

    /// <summary>The run's number: the job's restart count while it ran (0 for the first run).</summary>
    public required int Run { get; init; }

    public required long Start { get; init; }

    public long? Submit { get; set; }

    public double? Gpus { get; set; }

    /// <summary>The gres type, sent as <c>gpuModel</c>: the GPU-model catalogue maps it to the rate card's id.</summary>
    public string? Model { get; set; }

    public int? Cpus { get; set; }

    public double? MemGiB { get; set; }

    public string? Account { get; set; }

    public string? User { get; set; }

    public string? Partition { get; set; }

    /// <summary>The last poll that saw the run still running.</summary>
    public long LastSeen { get; set; }

    public long? End { get; set; }

    public string? ExitState { get; set; }

    /// <summary>False when the end is the last time the run was seen running, because nothing recorded the real end.</summary>
    public bool EndExact { get; set; } = true;

    /// <summary>
    /// The first poll that found the run over without an end (the job requeued, or gone from the controller): the epilog
    /// record that has its end may still be on its way, so the run is not ended from its last sighting before a while.
    /// </summary>
    public long? UnendedSince { get; set; }

    public bool StartedSent { get; set; }

    public long? LastHeartbeat { get; set; }

    public bool EndedSent { get; set; }

    /// <summary>Why the run's events are held back (no institution for its account, no GPU type), as last logged.</summary>
    public string? Held { get; set; }

    public bool IsEnded => End is not null;

    public static string KeyOf(string jobId, int run) => string.Create(CultureInfo.InvariantCulture, $"{jobId}#{run}");

    public string Key => KeyOf(JobId, Run);
}
