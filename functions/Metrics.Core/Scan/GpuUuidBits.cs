namespace Metrics.Core.Scan;

/// <summary>
/// A GPU uuid as 128 bits, for the observed-time scan's per-GPU tables: parsed straight from the landed column's UTF-8
/// bytes, case-insensitively, once per GPU per batch.
/// </summary>
internal static class GpuUuidBits
{
    /// <summary>
    /// The 128 bits of a <c>GPU-</c> or <c>MIG-</c> uuid (the contract-v1 form, what ingest lands), case-insensitively,
    /// read straight from the column's UTF-8 bytes: this runs once per landed row. Any other identifier (older data,
    /// hand-made tests) maps to a hash of its upper-cased text: deterministic, so every copy of a sample lands in the
    /// same shard in every scan.
    /// </summary>
    public static UInt128 Parse(ReadOnlySpan<byte> utf8, out bool mig) =>
        TryParseCanonical(utf8, out UInt128 value, out mig) ? value : HashOf(System.Text.Encoding.UTF8.GetString(utf8), out mig);

    public static UInt128 Parse(ReadOnlySpan<char> text, out bool mig)
    {
        Span<byte> ascii = stackalloc byte[40];
        return
            text.Length == 40
            && System.Text.Ascii.FromUtf16(text, ascii, out _) == System.Buffers.OperationStatus.Done
            && TryParseCanonical(ascii, out UInt128 value, out mig)
            ? value
            : HashOf(text.ToString(), out mig);
    }

    private static UInt128 HashOf(string text, out bool mig)
    {
        mig = false;
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToUpperInvariant()), hash);
        return new UInt128(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash[8..])
        );
    }

    /// <summary>The value of each byte as a hex digit, or -1.</summary>
// csharpier-ignore - a lookup table reads best as rows of 32 bytes
private static ReadOnlySpan<sbyte> HexDigits =>
[
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
];

    /// <summary>Parses <c>GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c> (or <c>MIG-</c>, any case): 4 + 36 bytes, 32 hex digits.</summary>
    private static bool TryParseCanonical(ReadOnlySpan<byte> text, out UInt128 value, out bool mig)
    {
        value = 0;
        mig = false;
        if (text.Length != 40 || text[3] != '-')
        {
            return false;
        }

        // ORing 0x20 lower-cases an ASCII letter and maps no other byte onto one.
        int p0 = text[0] | 0x20,
            p1 = text[1] | 0x20,
            p2 = text[2] | 0x20;
        mig = p0 == 'm' && p1 == 'i' && p2 == 'g';
        if (!mig && !(p0 == 'g' && p1 == 'p' && p2 == 'u'))
        {
            return false;
        }

        ulong high = 0,
            low = 0;
        int digits = 0;
        for (int i = 4; i < 40; i++)
        {
            int c = text[i];
            if (i is 12 or 17 or 22 or 27)
            {
                if (c != '-')
                {
                    return false;
                }

                continue;
            }

            int digit = HexDigits[c];
            if (digit < 0)
            {
                return false;
            }

            if (digits++ < 16)
            {
                high = (high << 4) | (uint)digit;
            }
            else
            {
                low = (low << 4) | (uint)digit;
            }
        }

        value = new UInt128(high, low);
        return true;
    }
}
