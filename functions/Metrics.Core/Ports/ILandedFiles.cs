using Metrics.Core.Telemetry;

namespace Metrics.Core.Ports;

/// <summary>Read access to landed Arrow files, by stream and UTC hour.</summary>
public interface ILandedFiles
{
    Task<IReadOnlyList<string>> ListHourAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken);

    Task<Stream> OpenAsync(string path, CancellationToken cancellationToken);
}
