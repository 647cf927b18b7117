namespace Metrics.Core.Ports;

/// <summary>
/// Durable record of which (stream, UTC hour) pairs received data since billing last rolled them up.
/// Marking is idempotent and safe to call concurrently; the billing rollup clears marks with a version check so a mark
/// set while it was computing survives.
/// </summary>
public interface IDirtyHourLog
{
    Task MarkAsync(TelemetryStream stream, IReadOnlyCollection<DateTimeOffset> hours, CancellationToken cancellationToken);
}
