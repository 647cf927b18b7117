namespace Metrics.Contract;

/// <summary>Numeric limits of contract v1. docs/telemetry-contract.md documents each; change both together.</summary>
public static class ContractLimits
{
    /// <summary>Largest accepted event body. Event Hubs Standard caps an event at 1 MiB too.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// How far an event's timestamps may run ahead of its enqueued time. Node clocks are NTP-synced but drift;
    /// five minutes tolerates a bad NTP day while still catching a node whose clock is wrong by hours.
    /// The lower bound is the maximum event age of <see cref="IngestLimits"/>, long enough for a node's full spool.
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    public const int MinIntervalS = 1;
    public const int MaxIntervalS = 3600;
    public const int MinGpusPerSample = 1;
    public const int MaxGpusPerSample = 64;
    public const int MaxGpuIndex = 63;
    public const long MaxMemMiB = 1L << 30;
    public const double MaxPowerW = 10_000;
    public const double MinTempC = -40;
    public const double MaxTempC = 150;

    /// <summary>Largest GPU allocation of one job: the whole centre several times over.</summary>
    public const double MaxJobGpus = 100_000;
    public const int MaxJobCpus = 10_000_000;
    public const double MaxJobMemGiB = 1_000_000_000;
}
