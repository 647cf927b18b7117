namespace Metrics.Contract;

/// <summary>
/// Azure Table storage's rules for PartitionKey and RowKey values. Azurite accepts keys that Azure refuses (control
/// characters, <c>/</c> in a key), so a value that will become a key is checked here, at validation time, and every
/// key is checked again before it is written: a bad key must be a dead letter, never a failed rollup in production.
/// </summary>
public static class TableKeyRules
{
    /// <summary>Azure allows up to 1 KiB per key; keys are UTF-16 on the wire, so 512 characters.</summary>
    public const int MaxKeyChars = 512;

    /// <summary>Null when <paramref name="value"/> is a valid key; otherwise why it is not.</summary>
    public static string? Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxKeyChars)
        {
            return $"is {value.Length} characters; a table key holds at most {MaxKeyChars}";
        }

        foreach (char c in value)
        {
            if (c is '/' or '\\' or '#' or '?')
            {
                return $"contains '{c}', which a table key may not";
            }

            if (c <= '\u001F' || (c >= '\u007F' && c <= '\u009F'))
            {
                return $"contains the control character U+{(int)c:X4}, which a table key may not";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the key when it breaks the rules.</summary>
    public static void Require(string value, string what)
    {
        if (Check(value) is { } why)
        {
            throw new ArgumentException($"{what} '{EchoedText.Cut(value, 80)}' {why}.");
        }
    }
}
