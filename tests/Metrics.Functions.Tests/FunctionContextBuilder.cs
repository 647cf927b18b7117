using System.Text.Json;
using Moq;

namespace Metrics.Functions.Tests;

/// <summary>
/// A strict <see cref="FunctionContext"/> mock whose binding data looks like what the Functions host sends for a
/// batched Event Hubs trigger: camel-cased keys and JSON-serialised values.
/// </summary>
internal static class FunctionContextBuilder
{
    public static FunctionContext ForEventHubBatch(
        string partitionId,
        long[] sequenceNumbers,
        DateTime[] enqueuedTimesUtc,
        Dictionary<string, object>[]? properties = null
    )
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["partitionContext"] = JsonSerializer.Serialize(
                new
                {
                    ConsumerGroup = "metrics",
                    EventHubName = "gpu-telemetry",
                    FullyQualifiedNamespace = "ns.servicebus.windows.net",
                    PartitionId = partitionId,
                }
            ),
            ["sequenceNumberArray"] = JsonSerializer.Serialize(sequenceNumbers),
            ["enqueuedTimeUtcArray"] = JsonSerializer.Serialize(
                enqueuedTimesUtc.Select(t => t.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture))
            ),
            ["offsetArray"] = JsonSerializer.Serialize(
                sequenceNumbers.Select(s => (s * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture))
            ),
        };
        if (properties is not null)
        {
            data["propertiesArray"] = JsonSerializer.Serialize(properties);
        }

        return WithBindingData(data);
    }

    public static FunctionContext WithBindingData(IReadOnlyDictionary<string, object?> data)
    {
        var binding = new Mock<BindingContext>(MockBehavior.Strict);
        binding.SetupGet(b => b.BindingData).Returns(data);
        var context = new Mock<FunctionContext>(MockBehavior.Strict);
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        return context.Object;
    }
}
