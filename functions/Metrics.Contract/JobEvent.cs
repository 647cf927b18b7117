namespace Metrics.Contract;

/// <summary>A validated <c>job-event/1</c> event. <see cref="EventId"/> is the deduplication key.</summary>
public sealed record JobEvent
{
    public required string EventId { get; init; }
    public required string Cluster { get; init; }
    public required string JobId { get; init; }
    public required JobState State { get; init; }
    public required DateTimeOffset Ts { get; init; }
    public required string Institution { get; init; }
    public string? Account { get; init; }
    public string? User { get; init; }
    public string? Queue { get; init; }
    public DateTimeOffset? SubmitTime { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>GPUs allocated; fractional for a MIG slice.</summary>
    public required double Gpus { get; init; }
    public required string GpuModel { get; init; }
    public int? Cpus { get; init; }
    public double? MemGiB { get; init; }
    public string? ExitState { get; init; }
}
