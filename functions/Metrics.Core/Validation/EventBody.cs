using System.Text.Json;
using System.Text.Unicode;

namespace Metrics.Core.Validation;

/// <summary>Checks shared by both streams before any field is read: size, UTF-8, JSON object, exact schema tag.</summary>
internal static class EventBody
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 16 };

    /// <summary>Parses the body into a document whose root is an object carrying <paramref name="schemaTag"/>.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> body, string schemaTag)
    {
        if (body.Length > ContractLimits.MaxBodyBytes)
        {
            throw new RejectedEventException(RejectReason.BodyTooLarge, $"body is {body.Length} bytes; the limit is {ContractLimits.MaxBodyBytes}");
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
            throw new RejectedEventException(RejectReason.MalformedJson, $"body must be a JSON object, got {rootKind.ToString().ToLowerInvariant()}");
        }

        if (!document.RootElement.TryGetProperty("schema", out JsonElement schema)
            || schema.ValueKind != JsonValueKind.String
            || schema.GetString() != schemaTag)
        {
            string found = document.RootElement.TryGetProperty("schema", out JsonElement s) ? s.GetRawText() : "nothing";
            document.Dispose();
            throw new RejectedEventException(RejectReason.SchemaMismatch, $"schema must be \"{schemaTag}\", got {(found.Length > 80 ? found[..80] : found)}");
        }

        return document;
    }

    /// <summary>Refuses a timestamp later than the enqueued time plus <see cref="ContractLimits.ClockSkewAllowance"/>.</summary>
    public static void NotInFuture(DateTimeOffset value, string field, DateTimeOffset enqueued)
    {
        if (value > enqueued + ContractLimits.ClockSkewAllowance)
        {
            throw new RejectedEventException(
                RejectReason.TimestampInFuture,
                $"{field} {value:O} is later than the enqueued time {enqueued.ToUniversalTime():O} plus the {ContractLimits.ClockSkewAllowance.TotalMinutes:0}-minute clock-skew allowance");
        }
    }
}
