namespace Metrics.Contract;

/// <summary>
/// Typed, validating access to the fields of one JSON object. Every getter either returns a value that satisfies
/// the contract or throws <see cref="RejectedEventException"/> naming the field (with its path, such as
/// <c>gpus[2].utilPct</c>). Numbers must be JSON numbers: a quoted number is <see cref="RejectReason.WrongType"/>.
/// </summary>
internal readonly struct JsonFields(JsonElement obj, string path)
{
    public JsonElement Element => obj;

    public string Path(string name) => path.Length == 0 ? name : $"{path}.{name}";

    public string RequiredString(string name, Regex pattern) => OptionalString(name, pattern) ?? throw Missing(name);

    public string? OptionalString(string name, Regex pattern)
    {
        if (!TryGet(name, JsonValueKind.String, "a string", out JsonElement value))
        {
            return null;
        }

        string text = Text(name, value);
        if (!pattern.IsMatch(text))
        {
            throw new RejectedEventException(RejectReason.InvalidId, $"{Path(name)} '{Truncate(text)}' does not match {pattern}");
        }

        return text;
    }

    /// <summary>A string that will become (part of) an Azure Table key: its pattern, then Azure's key rules.</summary>
    public string RequiredKey(string name, Regex pattern) => OptionalKey(name, pattern) ?? throw Missing(name);

    public string? OptionalKey(string name, Regex pattern)
    {
        string? text = OptionalString(name, pattern);
        if (text is not null && TableKeyRules.Check(text) is { } why)
        {
            throw new RejectedEventException(RejectReason.InvalidId, $"{Path(name)} '{Truncate(text)}' {why}");
        }

        return text;
    }

    public DateTimeOffset RequiredTimestamp(string name) => OptionalTimestamp(name) ?? throw Missing(name);

    public DateTimeOffset? OptionalTimestamp(string name)
    {
        if (!TryGet(name, JsonValueKind.String, "an ISO-8601 timestamp string", out JsonElement value))
        {
            return null;
        }

        string text = Text(name, value);
        if (
            !ContractPatterns.Timestamp().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset parsed)
        )
        {
            throw new RejectedEventException(
                RejectReason.InvalidTimestamp,
                $"{Path(name)} '{Truncate(text)}' is not an ISO-8601 date-time with seconds and a zone (Z or +hh:mm)"
            );
        }

        return parsed.ToUniversalTime();
    }

    public double RequiredNumber(string name, double min, double max) => OptionalNumber(name, min, max) ?? throw Missing(name);

    public double? OptionalNumber(string name, double min, double max)
    {
        if (!TryGet(name, JsonValueKind.Number, "a JSON number", out JsonElement value))
        {
            return null;
        }

        // TryGetDouble refuses a literal too large for a double (1e400): that is out of range, not a crash.
        if (!value.TryGetDouble(out double number) || !double.IsFinite(number) || number < min || number > max)
        {
            throw OutOfRange(name, value.GetRawText(), min, max);
        }

        return number;
    }

    public long RequiredInteger(string name, long min, long max) => OptionalInteger(name, min, max) ?? throw Missing(name);

    public long? OptionalInteger(string name, long min, long max)
    {
        if (!TryGet(name, JsonValueKind.Number, "a whole JSON number", out JsonElement value))
        {
            return null;
        }

        // 64 and 64.0 are the same number in JSON; accept both, refuse 64.5.
        if (!value.TryGetInt64(out long number))
        {
            if (
                !value.TryGetDouble(out double asDouble)
                || !double.IsFinite(asDouble)
                || Math.Floor(asDouble) != asDouble
                || asDouble < long.MinValue
                || asDouble > long.MaxValue
            )
            {
                throw new RejectedEventException(
                    RejectReason.OutOfRange,
                    $"{Path(name)} must be a whole number, got {Truncate(value.GetRawText())}"
                );
            }

            number = (long)asDouble;
        }

        if (number < min || number > max)
        {
            throw OutOfRange(name, value.GetRawText(), min, max);
        }

        return number;
    }

    public JsonElement RequiredArray(string name)
    {
        return TryGet(name, JsonValueKind.Array, "an array", out JsonElement value) ? value : throw Missing(name);
    }

    public RejectedEventException Missing(string name) => new(RejectReason.MissingField, $"{Path(name)} is required");

    /// <summary>
    /// The string's text. JSON allows a <c>\\uD800</c> escape that is not valid UTF-16 (a lone surrogate); such a
    /// string has no text, and <see cref="JsonElement.GetString"/> throws on it, so it is refused as malformed.
    /// </summary>
    public string Text(string name, JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new RejectedEventException(
                RejectReason.MalformedJson,
                $"{Path(name)} holds an escape that is not valid UTF-16 (a lone surrogate)"
            );
        }
    }

    /// <summary>Absent and explicit null both count as "not given": the contract never distinguishes them.</summary>
    private bool TryGet(string name, out JsonElement value) => obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>
    /// A given field of the JSON kind the contract names (<paramref name="expected"/> in words); any other kind is refused.
    /// </summary>
    private bool TryGet(string name, JsonValueKind kind, string expected, out JsonElement value)
    {
        if (!TryGet(name, out value))
        {
            return false;
        }

        if (value.ValueKind != kind)
        {
            throw WrongType(name, expected, value);
        }

        return true;
    }

    private RejectedEventException WrongType(string name, string expected, JsonElement value) =>
        new(
            RejectReason.WrongType,
            $"{Path(name)} must be {expected}, got {value.ValueKind.ToString().ToLowerInvariant()} {Truncate(value.GetRawText())}"
        );

    private RejectedEventException OutOfRange(string name, string raw, double min, double max) =>
        new(
            RejectReason.OutOfRange,
            $"{Path(name)} must be within {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}, got "
                + $"{Truncate(raw)}"
        );

    /// <summary>At most 80 characters of a value, as quoted in a rejection detail.</summary>
    internal static string Truncate(string text) => EchoedText.Cut(text, 80);
}
