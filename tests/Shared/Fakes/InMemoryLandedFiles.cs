using Metrics.Core.Ingest;
using Metrics.Core.Ports;
using Metrics.Core.Telemetry;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>Reads back what an <see cref="InMemoryLandingStore"/> holds in the telemetry container.</summary>
public sealed class InMemoryLandedFiles(InMemoryLandingStore store) : ILandedFiles
{
    public Task<IReadOnlyList<string>> ListHourAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken)
    {
        string prefix = $"{LandingPaths.TelemetryContainer}/{LandingPaths.HourPrefix(stream, hour)}";
        return Task.FromResult<IReadOnlyList<string>>(store.Files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray());
    }

    public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream(store.Files[path].Content.ToArray()));
}
