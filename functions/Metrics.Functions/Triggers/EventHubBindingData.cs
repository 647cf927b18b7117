using System.Globalization;
using System.Text.Json;

namespace Metrics.Functions.Triggers;

/// <summary>
/// Turns a batched Event Hubs invocation (<c>byte[][]</c> bodies plus the trigger's binding data) into a Core
/// <see cref="EventBatch"/>. The host sends the metadata arrays as JSON; this is the one place that reads them.
/// </summary>
public static class EventHubBindingData
{
    public const string PartitionContext = "PartitionContext";
    public const string SequenceNumberArray = "SequenceNumberArray";
    public const string EnqueuedTimeUtcArray = "EnqueuedTimeUtcArray";
    public const string PropertiesArray = "PropertiesArray";

    public static EventBatch ToBatch(TelemetryStream stream, byte[][] bodies, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyDictionary<string, object?> data = context.BindingContext.BindingData;

        string partitionId = ReadPartitionId(Required(data, PartitionContext));
        long[] sequences = ReadArray(Required(data, SequenceNumberArray), SequenceNumberArray, e => e.GetInt64());
        DateTimeOffset[] enqueued = ReadArray(Required(data, EnqueuedTimeUtcArray), EnqueuedTimeUtcArray, ReadUtc);
        IReadOnlyDictionary<string, string>?[] properties = Find(data, PropertiesArray) is JsonElement props
            ? ReadArray(props, PropertiesArray, ReadProperties)
            : new IReadOnlyDictionary<string, string>?[bodies.Length];

        // A length mismatch means the host and this code disagree on the binding: fail loudly (the batch is retried)
        // rather than attach the wrong lineage to an event.
        if (sequences.Length != bodies.Length || enqueued.Length != bodies.Length || properties.Length != bodies.Length)
        {
            throw new InvalidOperationException(
                $"Event Hubs binding data does not match the batch: {bodies.Length} bodies, {sequences.Length} sequence numbers, "
                    + $"{enqueued.Length} enqueued times, {properties.Length} property sets."
            );
        }

        var events = new RawEvent[bodies.Length];
        for (int i = 0; i < bodies.Length; i++)
        {
            events[i] = new RawEvent(bodies[i], sequences[i], enqueued[i], properties[i]);
        }

        return new EventBatch(stream, partitionId, events);
    }

    private static JsonElement Required(IReadOnlyDictionary<string, object?> data, string key) =>
        Find(data, key)
        ?? throw new InvalidOperationException($"Event Hubs binding data has no '{key}'. Is the function bound with IsBatched = true?");

    /// <summary>Binding data keys arrive camel-cased from the host; match them without regard to case.</summary>
    private static JsonElement? Find(IReadOnlyDictionary<string, object?> data, string key)
    {
        foreach ((string name, object? value) in data)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase) && value is not null)
            {
                return value switch
                {
                    JsonElement element => element,
                    // Deserialising to JsonElement gives a self-contained copy; JsonDocument.Parse would rent pooled
                    // memory that nobody returns.
                    string json => JsonSerializer.Deserialize<JsonElement>(json),
                    _ => JsonSerializer.SerializeToElement(value),
                };
            }
        }

        return null;
    }

    private static string ReadPartitionId(JsonElement context)
    {
        if (context.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in context.EnumerateObject())
            {
                if (
                    string.Equals(property.Name, "PartitionId", StringComparison.OrdinalIgnoreCase)
                    && property.Value.ValueKind == JsonValueKind.String
                )
                {
                    return property.Value.GetString()!;
                }
            }
        }

        throw new InvalidOperationException($"Event Hubs binding data '{PartitionContext}' has no PartitionId: {context.GetRawText()}");
    }

    private static T[] ReadArray<T>(JsonElement array, string key, Func<JsonElement, T> read)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException($"Event Hubs binding data '{key}' is not an array.");
        }

        var values = new T[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            values[i++] = read(item);
        }

        return values;
    }

    /// <summary>The host serialises enqueued times as UTC; a value without a zone is read as UTC, never as local time.</summary>
    private static DateTimeOffset ReadUtc(JsonElement element) =>
        DateTimeOffset.Parse(
            element.GetString()!,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal
        );

    private static IReadOnlyDictionary<string, string>? ReadProperties(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            properties[property.Name] =
                property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return properties.Count == 0 ? null : properties;
    }
}
