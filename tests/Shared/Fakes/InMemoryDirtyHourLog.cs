using System.Collections.Concurrent;
using Metrics.Core.Ports;
using Metrics.Core.Telemetry;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>An in-memory <see cref="IDirtyHourLog"/> recording every (stream, hour) marked.</summary>
public sealed class InMemoryDirtyHourLog : IDirtyHourLog
{
    public ConcurrentDictionary<(TelemetryStream Stream, DateTimeOffset Hour), int> Marks { get; } = new();

    public Task MarkAsync(TelemetryStream stream, IReadOnlyCollection<DateTimeOffset> hours, CancellationToken cancellationToken)
    {
        foreach (DateTimeOffset hour in hours)
        {
            Marks.AddOrUpdate((stream, hour), 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }
}
