namespace Metrics.Simulator;

/// <summary>One scheduled job on one node: what the scheduler would report, and what billing must charge.</summary>
internal sealed class SimulatedJob
{
    public required string JobId { get; init; }
    public required string Institution { get; init; }
    public required string GpuModel { get; init; }

    /// <summary>GPUs allocated; a fraction on MIG nodes.</summary>
    public required double Gpus { get; init; }

    /// <summary>How many of the node's GPUs (from index 0) show this job in their samples.</summary>
    public required int GpuSlots { get; init; }
    public required int Cpus { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    public required DateTimeOffset EndTime { get; init; }

    /// <summary>Typical utilisation of this job's GPUs; samples vary around it.</summary>
    public required double Utilisation { get; init; }

    /// <summary>The next heartbeat not yet emitted.</summary>
    public DateTimeOffset NextHeartbeat { get; set; }

    /// <summary>The ts of the latest started/running event emitted: what billing bills through until the end arrives.</summary>
    public DateTimeOffset BilledThrough { get; set; }

    public bool StartEmitted { get; set; }

    public bool EndEmitted { get; set; }
}
