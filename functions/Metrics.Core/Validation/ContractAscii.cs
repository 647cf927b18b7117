namespace Metrics.Core.Validation;

/// <summary>
/// The identifier patterns of <see cref="ContractPatterns"/>, checked on raw UTF-8 bytes without decoding them: the fast
/// path of ingest (<see cref="GpuTelemetryReader"/>) runs them on every field of every event, where a regex on a string
/// would cost a string per field. Each method accepts exactly what its pattern accepts (a property test compares them
/// on random text); every pattern is ASCII-only, so any byte above 0x7F fails.
/// </summary>
internal static class ContractAscii
{
    /// <summary>What may follow the first character of each pattern; the first is always <c>[A-Za-z0-9]</c>.</summary>
    private static readonly bool[] s_id = Table("._-");
    private static readonly bool[] s_jobId = Table("._+-");
    private static readonly bool[] s_model = Table(" ._()+-");

    /// <summary><see cref="ContractPatterns.Id"/>: 1-64 of <c>[A-Za-z0-9._-]</c>, starting alphanumeric.</summary>
    public static bool IsId(ReadOnlySpan<byte> value) => Matches(value, s_id);

    /// <summary><see cref="ContractPatterns.JobId"/>.</summary>
    public static bool IsJobId(ReadOnlySpan<byte> value) => Matches(value, s_jobId);

    /// <summary><see cref="ContractPatterns.GpuModel"/>.</summary>
    public static bool IsGpuModel(ReadOnlySpan<byte> value) => Matches(value, s_model);

    /// <summary><see cref="ContractPatterns.GpuUuid"/>: <c>GPU-</c> or <c>MIG-</c>, then 8-4-4-4-12 hex digits.</summary>
    public static bool IsGpuUuid(ReadOnlySpan<byte> value)
    {
        if (value.Length != 40 || !(value.StartsWith("GPU-"u8) || value.StartsWith("MIG-"u8)))
        {
            return false;
        }

        for (int i = 4; i < 40; i++)
        {
            bool ok = i is 12 or 17 or 22 or 27 ? value[i] == (byte)'-' : char.IsAsciiHexDigit((char)value[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Matches(ReadOnlySpan<byte> value, bool[] rest)
    {
        if (value.Length is < 1 or > 64 || !char.IsAsciiLetterOrDigit((char)value[0]))
        {
            return false;
        }

        for (int i = 1; i < value.Length; i++)
        {
            byte b = value[i];
            if (b >= rest.Length || !rest[b])
            {
                return false;
            }
        }

        return true;
    }

    private static bool[] Table(string extra)
    {
        var table = new bool[128];
        for (int c = 0; c < 128; c++)
        {
            table[c] = char.IsAsciiLetterOrDigit((char)c) || extra.Contains((char)c, StringComparison.Ordinal);
        }

        return table;
    }
}
