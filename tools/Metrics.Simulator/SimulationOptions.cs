namespace Metrics.Simulator;

/// <summary>What to simulate. Defaults are the centre's scale and fault rates seen in practice.</summary>
public sealed record SimulationOptions
{
    public int Institutions { get; init; } = 5000;
    public int Nodes { get; init; } = 2000;
    public int GpusPerNode { get; init; } = 8;
    public required DateTimeOffset Start { get; init; }
    public int Hours { get; init; } = 1;
    public int IntervalS { get; init; } = 15;
    public int Seed { get; init; } = 1;

    /// <summary>Share of events sent twice (a producer resend: same body, new sequence number).</summary>
    public double DupRate { get; init; } = 0.001;

    /// <summary>Share of job events delivered late, after later events (out of order).</summary>
    public double LateRate { get; init; } = 0.01;

    /// <summary>Share of extra malformed events (they must be dead-lettered, and change nothing).</summary>
    public double BadRate { get; init; } = 0.001;

    /// <summary>Share of nodes that go silent (send no GPU samples) for a stretch of the window.</summary>
    public double SilentRate { get; init; } = 0.01;

    /// <summary>Seconds between a running job's heartbeats.</summary>
    public int HeartbeatS { get; init; } = 900;

    public string Cluster { get; init; } = "hefei-aicc-1";

    /// <summary>
    /// GPU samples name their model as nvidia-smi does and job events as Slurm's gres type does (<see cref="ReportedNames"/>),
    /// as real producers do; ingest needs the catalogue (tools/samples/gpu-models.json) to bill them under one name.
    /// </summary>
    public bool RealNames { get; init; }

    public DateTimeOffset End => Start.AddHours(Hours);

    /// <summary>Checks the options; returns an error message, or null when they are usable.</summary>
    public string? Validate()
    {
        if (Institutions < 1 || Nodes < 1 || Hours < 1)
        {
            return "--institutions, --nodes and --hours must be at least 1";
        }

        if (GpusPerNode is < 1 or > 64)
        {
            return "--gpus-per-node must be 1..64 (the contract's limit per event)";
        }

        if (IntervalS is < 1 or > 3600)
        {
            return "--interval-s must be 1..3600 (the contract's limit)";
        }

        if (HeartbeatS < IntervalS)
        {
            return "--heartbeat-s must be at least --interval-s";
        }

        foreach (
            (string name, double rate) in new[]
            {
                ("--dup-rate", DupRate),
                ("--late-rate", LateRate),
                ("--bad-rate", BadRate),
                ("--silent-rate", SilentRate),
            }
        )
        {
            if (rate is < 0 or > 1 || double.IsNaN(rate))
            {
                return $"{name} must be between 0 and 1";
            }
        }

        return Start.Offset == TimeSpan.Zero && Start.Ticks % TimeSpan.TicksPerSecond == 0
            ? null
            : "--start must be a UTC time in whole seconds";
    }
}
