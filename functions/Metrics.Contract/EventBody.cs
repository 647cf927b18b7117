using System.Text.Unicode;

namespace Metrics.Contract;

/// <summary>Checks shared by both streams before any field is read: size, UTF-8, JSON object, exact schema tag.</summary>
internal static class EventBody
{
    /// <summary>
    /// Duplicate property names are refused: parsers disagree on which copy wins, so <c>{"institution":"a",
    /// "institution":"b"}</c> could be billed to one institution here and read as the other by a producer's tools.
    /// </summary>
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <summary>Parses the body into a document whose root is an object carrying <paramref name="schemaTag"/>.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> body, string schemaTag)
    {
        if (body.Length > ContractLimits.MaxBodyBytes)
        {
            throw new RejectedEventException(
                RejectReason.BodyTooLarge,
                $"body is {body.Length} bytes; the limit is {ContractLimits.MaxBodyBytes}"
            );
        }

        if (!Utf8.IsValid(body.Span))
        {
            throw new RejectedEventException(RejectReason.NotUtf8, "body is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, s_options);
        }
        catch (JsonException ex)
        {
            throw new RejectedEventException(RejectReason.MalformedJson, $"body is not well-formed JSON: {ex.Message}");
        }

        JsonValueKind rootKind = document.RootElement.ValueKind;
        if (rootKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new RejectedEventException(
                RejectReason.MalformedJson,
                $"body must be a JSON object, got {rootKind.ToString().ToLowerInvariant()}"
            );
        }

        if (
            !document.RootElement.TryGetProperty("schema", out JsonElement schema)
            || schema.ValueKind != JsonValueKind.String
            || !TagEquals(schema, schemaTag, document)
        )
        {
            string found = document.RootElement.TryGetProperty("schema", out JsonElement s) ? s.GetRawText() : "nothing";
            document.Dispose();
            throw new RejectedEventException(
                RejectReason.SchemaMismatch,
                $"schema must be \"{schemaTag}\", got {(found.Length > 80 ? found[..80] : found)}"
            );
        }

        return document;
    }

    /// <summary>
    /// Compares the schema tag; one that holds an escape that is not valid UTF-16 is malformed (found by the fuzz suite).
    /// </summary>
    private static bool TagEquals(JsonElement schema, string schemaTag, JsonDocument document)
    {
        try
        {
            return schema.ValueEquals(schemaTag);
        }
        catch (InvalidOperationException)
        {
            document.Dispose();
            throw new RejectedEventException(
                RejectReason.MalformedJson,
                "schema holds an escape that is not valid UTF-16 (a lone surrogate)"
            );
        }
    }

    /// <summary>
    /// Refuses a timestamp later than the enqueued time plus the clock-skew allowance, earlier than the enqueued time
    /// minus the maximum event age (unless this is a backfill or <paramref name="ageBounded"/> is false), or earlier than
    /// <see cref="IngestLimits.EarliestTimestamp"/>. A job's start and submit times are not age-bounded (a long job
    /// started weeks ago); the maximum job age bounds them relative to the event's own time instead.
    /// </summary>
    public static void Plausible(DateTimeOffset value, string field, DateTimeOffset enqueued, IngestLimits limits, bool ageBounded = true)
    {
        if (IsPlausible(value, enqueued, limits, ageBounded))
        {
            return;
        }

        if (value > SafeAdd(enqueued, limits.ClockSkew))
        {
            throw new RejectedEventException(
                RejectReason.TimestampInFuture,
                $"{field} {value:O} is later than the enqueued time {enqueued.ToUniversalTime():O} plus the "
                    + $"{limits.ClockSkew.TotalMinutes:0}-minute clock-skew allowance"
            );
        }

        if (value < IngestLimits.EarliestTimestamp)
        {
            throw new RejectedEventException(
                RejectReason.TimestampTooOld,
                $"{field} {value:O} is before {IngestLimits.EarliestTimestamp:yyyy-MM-dd}, the earliest timestamp the contract accepts"
            );
        }

        if (ageBounded && limits.MaxEventAge is { } maxAge && value < SafeAdd(enqueued, -maxAge))
        {
            throw new RejectedEventException(
                RejectReason.TimestampTooOld,
                $"{field} {value:O} is more than {maxAge.TotalDays:0.##} days before the enqueued time {enqueued.ToUniversalTime():O}; "
                    + $"replay historical data with metrics ingest --backfill"
            );
        }
    }

    /// <summary>The bounds of <see cref="Plausible"/> as a test, for the fast path that must not throw.</summary>
    public static bool IsPlausible(DateTimeOffset value, DateTimeOffset enqueued, IngestLimits limits, bool ageBounded = true) =>
        value <= SafeAdd(enqueued, limits.ClockSkew)
        && value >= IngestLimits.EarliestTimestamp
        && !(ageBounded && limits.MaxEventAge is { } maxAge && value < SafeAdd(enqueued, -maxAge));

    /// <summary><paramref name="instant"/> + <paramref name="span"/>, clamped to the representable range instead of throwing.</summary>
    internal static DateTimeOffset SafeAdd(DateTimeOffset instant, TimeSpan span)
    {
        long ticks = instant.UtcTicks;
        if (span > TimeSpan.Zero && ticks > DateTimeOffset.MaxValue.UtcTicks - span.Ticks)
        {
            return DateTimeOffset.MaxValue;
        }

        if (span < TimeSpan.Zero && ticks < DateTimeOffset.MinValue.UtcTicks - span.Ticks)
        {
            return DateTimeOffset.MinValue;
        }

        return new DateTimeOffset(ticks + span.Ticks, TimeSpan.Zero);
    }
}
