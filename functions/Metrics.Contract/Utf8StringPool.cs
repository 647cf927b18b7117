namespace Metrics.Contract;

/// <summary>
/// Turns short UTF-8 values into strings, returning the same string for the same bytes while it is in the pool. A batch
/// repeats its clusters, nodes, models, institutions, jobs and GPU uuids thousands of times; pooling makes a repeat cost
/// a few multiplications and a compare instead of a string. Fixed size (a later value evicts an earlier one in its
/// slot), so memory is bounded whatever the stream holds; one pool per thread, so no locks.
/// </summary>
internal sealed class Utf8StringPool
{
    private const int SlotBits = 14;
    private const int Slots = 1 << SlotBits;
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

        int slot = (int)(ShortBytesHash.Of(utf8) >> (64 - SlotBits));
        if (_bytes[slot] is { } pooled && utf8.SequenceEqual(pooled))
        {
            return _values[slot]!;
        }

        string value = Encoding.UTF8.GetString(utf8);
        _values[slot] = value;
        _bytes[slot] = utf8.ToArray();
        return value;
    }
}
