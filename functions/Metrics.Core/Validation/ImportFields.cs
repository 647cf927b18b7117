using Metrics.Contract;

namespace Metrics.Core.Validation;

/// <summary>
/// The fields of a finance import entry (a voucher, an allocation), each read or refused with a message that names
/// its place in the file (<c>vouchers[3].amount must be a number</c>).
/// </summary>
internal static class ImportFields
{
    /// <summary>
    /// The file's entries: a JSON array, or an object holding the array under <paramref name="name"/>
    /// (<c>{"vouchers": [...]}</c>).
    /// </summary>
    private static JsonElement.ArrayEnumerator Entries(JsonElement root, string name, string what)
    {
        JsonElement list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement inner) ? inner : root;
        return list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
            : throw new FormatException($"{what} must be a JSON array of {name}, or an object with a \"{name}\" array");
    }

    /// <summary>
    /// Every entry of a <paramref name="singular"/> file (<c>voucher</c>: a <c>[...]</c> or <c>{"vouchers": [...]}</c>),
    /// each read by <paramref name="read"/> with its path (<c>vouchers[3]</c>); at most <paramref name="max"/>, and no
    /// id twice. Any mistake refuses the whole file.
    /// </summary>
    public static List<T> ReadAll<T>(
        ReadOnlySpan<byte> json,
        string singular,
        int max,
        Func<JsonElement, string, T> read,
        Func<T, string> id
    )
    {
        string plural = singular + "s",
            what = singular + " file";
        using JsonDocument document = ImportJson.Parse(json, what);
        var entries = new List<T>();
        foreach (JsonElement element in Entries(document.RootElement, plural, what))
        {
            if (entries.Count == max)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{what} holds more than {max} {plural}"));
            }

            entries.Add(read(element, string.Create(CultureInfo.InvariantCulture, $"{plural}[{entries.Count}]")));
        }

        return entries.GroupBy(id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? throw new FormatException($"{what} has {singular} '{twice.Key}' twice")
            : entries;
    }

    public static JsonElement Object(JsonElement entry, string path) =>
        entry.ValueKind == JsonValueKind.Object ? entry : throw new FormatException($"{path} must be an object");

    public static JsonElement Property(JsonElement entry, string name, string path) =>
        entry.TryGetProperty(name, out JsonElement value) ? value : throw new FormatException($"{path}.{name} is missing");

    public static string String(JsonElement entry, string name, string path) =>
        Property(entry, name, path) is { ValueKind: JsonValueKind.String } s
            ? s.GetString()!
            : throw new FormatException($"{path}.{name} must be a string");

    public static string Id(JsonElement entry, string name, string path)
    {
        string value = String(entry, name, path);
        return ContractPatterns.Id().IsMatch(value)
            ? value
            : throw new FormatException(
                $"{path}.{name} '{EchoedText.Cut(value, 64)}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or "
                    + $"digit)"
            );
    }

    public static decimal Decimal(JsonElement entry, string name, string path) =>
        Property(entry, name, path) is { ValueKind: JsonValueKind.Number } n && n.TryGetDecimal(out decimal d)
            ? d
            : throw new FormatException($"{path}.{name} must be a number");

    /// <summary>A local date <c>yyyy-MM-dd</c> within <see cref="FinanceLimits"/>' window.</summary>
    public static DateOnly Date(JsonElement entry, string name, string path)
    {
        if (
            !DateOnly.TryParseExact(
                String(entry, name, path),
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out DateOnly d
            )
        )
        {
            throw new FormatException($"{path}.{name} must be a local date yyyy-MM-dd");
        }

        return FinanceLimits.OutsideWindow(d) is { } outside ? throw new FormatException($"{path}.{name} {outside}") : d;
    }

    /// <summary>
    /// An inclusive period of local dates that does not end before it starts and lasts at most
    /// <paramref name="maxMonths"/>.
    /// </summary>
    public static (DateOnly From, DateOnly To) Period(JsonElement entry, string fromName, string toName, int maxMonths, string path)
    {
        DateOnly from = Date(entry, fromName, path),
            to = Date(entry, toName, path);
        if (to < from)
        {
            throw new FormatException($"{path}: {toName} {to:yyyy-MM-dd} is before {fromName} {from:yyyy-MM-dd}");
        }

        return to > from.AddMonths(maxMonths).AddDays(-1)
            ? throw new FormatException($"{path}: valid from {from:yyyy-MM-dd} to {to:yyyy-MM-dd} is longer than {maxMonths} months")
            : (from, to);
    }

    /// <summary>An ISO 4217 currency code such as CNY.</summary>
    public static bool IsCurrency(string code) => code.Length == 3 && code.All(char.IsAsciiLetterUpper);
}
