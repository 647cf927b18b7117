namespace Metrics.Core.Validation;

/// <summary>
/// The first step of every finance import (rate cards, vouchers): the file parsed as one JSON document, or refused
/// with a message that says which file it was meant to be. What the document must hold is each reader's own check.
/// </summary>
internal static class ImportJson
{
    public static JsonDocument Parse(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            return JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{what} is not valid JSON: {ex.Message}", ex);
        }
    }
}
