namespace Metrics.Contract;

/// <summary>The two event streams of contract v1. Each has its own event hub, schema tag and landing prefix.</summary>
public enum TelemetryStream
{
    /// <summary>GPU samples, one event per node per sampling interval (hub <c>gpu-telemetry</c>).</summary>
    Gpu,

    /// <summary>Job lifecycle events from the scheduler (hub <c>job-events</c>).</summary>
    Jobs,
}
