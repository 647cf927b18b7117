namespace Metrics.Cli;

/// <summary>Reading instants from the command line: ISO-8601 with an explicit zone only, never the machine's local time.</summary>
internal static class CliTime
{
    /// <summary>Parses text ending in <c>Z</c> or <c>+hh:mm</c>/<c>-hh:mm</c> as an instant, returned in UTC.</summary>
    public static bool TryParseZoned(string? text, out DateTimeOffset utc)
    {
        utc = default;
        return text is not null
            && (text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-'))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out utc);
    }
}
