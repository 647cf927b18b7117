namespace Metrics.Contract;

/// <summary>
/// The identifier patterns of <see cref="ContractPatterns"/>, checked on raw UTF-8 bytes without decoding them: the fast
/// path of ingest (<see cref="GpuTelemetryReader"/>) runs them on every field of every event, where a regex on a string
/// would cost a string per field. Each method accepts exactly what its pattern accepts (a property test compares them
/// on random text); every pattern is ASCII-only, so any byte above 0x7F fails.
/// </summary>
public static class ContractAscii
{
    /// <summary>What may follow the first character of each pattern; the first is always <c>[A-Za-z0-9]</c>.</summary>
    private static readonly SearchValues<byte> s_id = Allowed("._-");
    private static readonly SearchValues<byte> s_jobId = Allowed("._+-");
    private static readonly SearchValues<byte> s_model = Allowed(" ._()+-");
    private static readonly SearchValues<byte> s_hexOrDash = SearchValues.Create("0123456789abcdefABCDEF-"u8);

    /// <summary><see cref="ContractPatterns.Id"/>: 1-64 of <c>[A-Za-z0-9._-]</c>, starting alphanumeric.</summary>
    public static bool IsId(ReadOnlySpan<byte> value) => Matches(value, s_id);

    /// <summary><see cref="ContractPatterns.JobId"/>.</summary>
    public static bool IsJobId(ReadOnlySpan<byte> value) => Matches(value, s_jobId);

    /// <summary><see cref="ContractPatterns.GpuModel"/>.</summary>
    public static bool IsGpuModel(ReadOnlySpan<byte> value) => Matches(value, s_model);

    /// <summary><see cref="ContractPatterns.GpuUuid"/>: <c>GPU-</c> or <c>MIG-</c>, then 8-4-4-4-12 hex digits.</summary>
    /// <remarks>
    /// Vectorised: every byte after the prefix a hex digit or a dash, the four dashes in their places, and no other.
    /// </remarks>
    public static bool IsGpuUuid(ReadOnlySpan<byte> value) =>
        value.Length == 40
        && (value.StartsWith("GPU-"u8) || value.StartsWith("MIG-"u8))
        && value[12] == '-'
        && value[17] == '-'
        && value[22] == '-'
        && value[27] == '-'
        && value[4..].IndexOfAnyExcept(s_hexOrDash) < 0
        && value[4..].Count((byte)'-') == 4;

    /// <remarks>Runs on every identifier of every event: one vectorised search for a byte outside the pattern.</remarks>
    private static bool Matches(ReadOnlySpan<byte> value, SearchValues<byte> rest) =>
        value.Length is >= 1 and <= 64 && char.IsAsciiLetterOrDigit((char)value[0]) && value[1..].IndexOfAnyExcept(rest) < 0;

    private static SearchValues<byte> Allowed(string extra)
    {
        var allowed = new List<byte>();
        for (int c = 0; c < 128; c++)
        {
            if (char.IsAsciiLetterOrDigit((char)c) || extra.Contains((char)c, StringComparison.Ordinal))
            {
                allowed.Add((byte)c);
            }
        }

        return SearchValues.Create(allowed.ToArray());
    }
}
