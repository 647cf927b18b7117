using System.Text.Encodings.Web;
using System.Text.Unicode;
using Metrics.Contract;
using Metrics.Core.Landing;

namespace Metrics.Core.Ingest;

/// <summary>
/// Writes dead letters as JSON Lines, one object per rejected event:
/// <c>reason, detail, stream, partition, sequence, enqueued, properties, bodyEncoding, body</c>.
/// The body is kept verbatim as a string when it is valid UTF-8 and as base64 otherwise, so nothing is lost and a
/// fixed event can be replayed from the file.
/// </summary>
public static class DeadLetterEncoder
{
    public const string ContentType = "application/x-ndjson";

    /// <summary>
    /// Relaxed escaping keeps the stored body readable (<c>"</c> stays <c>\"</c>, not <c>\u0022</c>); these files are
    /// read by people and tools, never embedded in HTML.
    /// </summary>
    private static readonly JsonWriterOptions s_options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Encode(TelemetryStream stream, string partitionId, IEnumerable<DeadLetter> deadLetters)
    {
        using var buffer = new MemoryStream();
        foreach (DeadLetter letter in deadLetters)
        {
            using (var writer = new Utf8JsonWriter(buffer, s_options))
            {
                Write(writer, stream, partitionId, letter);
            }

            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, TelemetryStream stream, string partitionId, DeadLetter letter)
    {
        RawEvent raw = letter.Event;
        writer.WriteStartObject();
        writer.WriteString("reason", letter.Rejection.Reason.Code());
        writer.WriteString("detail", ValidUtf16(letter.Rejection.Detail));
        writer.WriteString("stream", stream.Name());
        writer.WriteString("partition", partitionId);
        writer.WriteNumber("sequence", raw.SequenceNumber);
        writer.WriteString("enqueued", raw.EnqueuedTime.UtcDateTime);
        if (raw.Properties is { Count: > 0 } properties)
        {
            writer.WriteStartObject("properties");
            foreach ((string key, string value) in properties)
            {
                writer.WriteString(ValidUtf16(key), ValidUtf16(value));
            }

            writer.WriteEndObject();
        }

        if (Utf8.IsValid(raw.Body.Span))
        {
            writer.WriteString("bodyEncoding", "utf8");
            writer.WriteString("body", raw.Body.Span);
        }
        else
        {
            writer.WriteString("bodyEncoding", "base64");
            writer.WriteBase64String("body", raw.Body.Span);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// The writer throws on a lone surrogate, and a producer's properties (or an internal error's exception message in a
    /// detail) can hold one; it is replaced with U+FFFD so that one odd string cannot fail the batch. The body
    /// itself is never altered: it is written from its bytes.
    /// </summary>
    internal static string ValidUtf16(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));
            }
        }

        return text;
    }

    /// <summary>
    /// Reads dead-letter lines back: each letter's reason and its original body, byte for byte, for export and
    /// re-ingest (<c>metrics deadletters</c>). The inverse of <see cref="Encode"/>, beside it.
    /// </summary>
    public static IEnumerable<(string Reason, byte[] Body)> Decode(string lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (string line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument letter = JsonDocument.Parse(line);
            JsonElement root = letter.RootElement;
            string reason = root.GetProperty("reason").GetString() ?? throw new InvalidDataException("A dead letter has no reason.");
            byte[] body =
                root.GetProperty("bodyEncoding").GetString() == "base64"
                    ? root.GetProperty("body").GetBytesFromBase64()
                    : System.Text.Encoding.UTF8.GetBytes(root.GetProperty("body").GetString() ?? string.Empty);
            yield return (reason, body);
        }
    }
}
