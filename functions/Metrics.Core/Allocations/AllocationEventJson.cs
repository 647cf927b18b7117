namespace Metrics.Core.Allocations;

/// <summary>
/// An event as the queue carries it and <c>metrics allocations events --format json</c> prints it: schema
/// <c>allocation-event/v1</c> (docs/schemas/allocation-event.schema.json), snake_case, amounts as JSON numbers.
/// </summary>
public static class AllocationEventJson
{
    public const string Schema = "allocation-event/v1";

    public static byte[] Serialize(AllocationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return JsonSerializer.SerializeToUtf8Bytes(MessageOf(e), s_json);
    }

    /// <summary>The event as a JSON value (the schema's names and order), for a writer that puts several in one document.</summary>
    public static JsonElement Body(AllocationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return JsonSerializer.SerializeToElement(MessageOf(e), s_json);
    }

    private static Message MessageOf(AllocationEvent e) =>
        new(
            Schema,
            e.Id,
            e.AllocationId,
            e.Institution,
            e.Account,
            e.Unit,
            e.ThresholdPct,
            e.Basis,
            AllocationRows.Instant(e.CrossedAt),
            e.Used,
            e.Forecast,
            e.Amount
        );

    public static AllocationEvent Deserialize(ReadOnlySpan<byte> json)
    {
        Message m = JsonSerializer.Deserialize<Message>(json, s_json) ?? throw new FormatException("an allocation event is null");
        if (m.Schema != Schema)
        {
            throw new FormatException($"an allocation event has schema '{m.Schema}', not {Schema}");
        }

        return new AllocationEvent(
            m.AllocationId,
            m.Institution,
            m.Account,
            m.Unit,
            m.ThresholdPct,
            m.Basis,
            DateTimeOffset.Parse(m.CrossedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            m.Used,
            m.Forecast,
            m.Amount
        );
    }

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Message(
        string Schema,
        string EventId,
        string AllocationId,
        string Institution,
        string? Account,
        string Unit,
        int ThresholdPct,
        string Basis,
        string CrossedAt,
        decimal Used,
        decimal Forecast,
        decimal Amount
    );
}
