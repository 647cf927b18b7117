using Metrics.Contract;

namespace Metrics.Core.Ports;

/// <summary>Which UTC hours have landed files, as the landing folders say: for the operators' "is telemetry arriving?".</summary>
public interface ILandedHours
{
    /// <summary>The newest UTC hour with a folder of landed files for the stream, or null when none has.</summary>
    Task<DateTimeOffset?> NewestAsync(TelemetryStream stream, CancellationToken cancellationToken);
}
