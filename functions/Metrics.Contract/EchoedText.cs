namespace Metrics.Contract;

/// <summary>
/// A caller's value as quoted back in a rejection detail or an error message, which people read in logs, terminals and
/// HTTP responses: cut to a bound, never through a surrogate pair, with control characters and lone surrogates shown
/// as <c>?</c>. One helper for every place that echoes untrusted text.
/// </summary>
public static class EchoedText
{
    public static string Cut(string? value, int maxChars)
    {
        if (value is null)
        {
            return string.Empty;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 4);
        ReadOnlySpan<char> kept = value.AsSpan();
        bool cut = kept.Length > maxChars;
        if (cut)
        {
            kept = kept[..(maxChars - 3)];
            if (char.IsHighSurrogate(kept[^1]))
            {
                kept = kept[..^1];
            }
        }

        var text = new System.Text.StringBuilder(kept.Length + 3);
        for (int i = 0; i < kept.Length; i++)
        {
            char c = kept[i];
            if (char.IsHighSurrogate(c) && i + 1 < kept.Length && char.IsLowSurrogate(kept[i + 1]))
            {
                text.Append(c).Append(kept[++i]);
            }
            else
            {
                text.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
            }
        }

        return cut ? text.Append("...").ToString() : text.ToString();
    }
}
