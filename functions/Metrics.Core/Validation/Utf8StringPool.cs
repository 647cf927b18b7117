using System.Buffers.Binary;

namespace Metrics.Core.Validation;

/// <summary>
/// Turns short UTF-8 values into strings, returning the same string for the same bytes while it is in the pool. A batch
/// repeats its clusters, nodes, models, institutions, jobs and GPU uuids thousands of times; pooling makes a repeat cost
/// a few multiplications and a compare instead of a string. Fixed size (a later value evicts an earlier one in its
/// slot), so memory is bounded whatever the stream holds; one pool per thread, so no locks.
/// </summary>
internal sealed class Utf8StringPool
{
    private const int Slots = 16384;
    private const int MaxPooledBytes = 64;

    [ThreadStatic]
    private static Utf8StringPool? t_current;

    private readonly string?[] _values = new string?[Slots];
    private readonly byte[]?[] _bytes = new byte[Slots][];

    /// <summary>This thread's pool.</summary>
    public static Utf8StringPool Current => t_current ??= new Utf8StringPool();

    /// <summary>The string of <paramref name="utf8"/>, which must be valid UTF-8 (the body was checked whole).</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxPooledBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        int slot = SlotOf(utf8);
        if (_bytes[slot] is { } pooled && utf8.SequenceEqual(pooled))
        {
            return _values[slot]!;
        }

        string value = Encoding.UTF8.GetString(utf8);
        _values[slot] = value;
        _bytes[slot] = utf8.ToArray();
        return value;
    }

    /// <summary>
    /// A slot from the length and up to 24 of the bytes (first, middle and last 8), multiplied apart: a tenth of the
    /// cost of hashing every byte, on values that differ at one end (a node's uuids) or the other (institutions). Values
    /// that share those bytes only share a slot; the comparison above decides.
    /// </summary>
    private static int SlotOf(ReadOnlySpan<byte> utf8)
    {
        ulong mixed;
        if (utf8.Length >= 8)
        {
            mixed =
                (BinaryPrimitives.ReadUInt64LittleEndian(utf8) * 0x9E3779B97F4A7C15UL)
                ^ (BinaryPrimitives.ReadUInt64LittleEndian(utf8[((utf8.Length - 8) / 2)..]) * 0xC2B2AE3D27D4EB4FUL)
                ^ (BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]) * 0x165667B19E3779F9UL);
        }
        else if (utf8.Length >= 4)
        {
            // 4 to 7 bytes: the first and last four, overlapping.
            mixed =
                (((ulong)BinaryPrimitives.ReadUInt32LittleEndian(utf8) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(utf8[^4..]))
                * 0x9E3779B97F4A7C15UL;
        }
        else
        {
            mixed = 0;
            foreach (byte b in utf8)
            {
                mixed = (mixed << 8) | b;
            }

            mixed *= 0x9E3779B97F4A7C15UL;
        }

        mixed ^= (ulong)utf8.Length * 0xD6E8FEB86659FD93UL;
        return (int)((mixed ^ (mixed >> 29)) * 0x9E3779B97F4A7C15UL >> 50);
    }
}
