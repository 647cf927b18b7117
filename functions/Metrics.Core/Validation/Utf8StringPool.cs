using System.Text;

namespace Metrics.Core.Validation;

/// <summary>
/// Turns short UTF-8 values into strings, returning the same string for the same bytes while it is in the pool. A batch
/// repeats its clusters, nodes, models, institutions, jobs and GPU uuids thousands of times; pooling makes a repeat cost
/// a hash and a compare instead of a string. Fixed size (a later value evicts an earlier one in its slot), so memory is
/// bounded whatever the stream holds; one pool per thread, so no locks.
/// </summary>
internal sealed class Utf8StringPool
{
    private const int Slots = 4096;
    private const int MaxPooledBytes = 64;

    [ThreadStatic]
    private static Utf8StringPool? t_current;

    private readonly string?[] _values = new string?[Slots];
    private readonly int[] _hashes = new int[Slots];

    /// <summary>This thread's pool.</summary>
    public static Utf8StringPool Current => t_current ??= new Utf8StringPool();

    /// <summary>The string of <paramref name="utf8"/>, which must be valid UTF-8 (the body was checked whole).</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxPooledBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hasher = default(HashCode);
        hasher.AddBytes(utf8);
        int hash = hasher.ToHashCode();
        int slot = hash & (Slots - 1);
        if (_hashes[slot] == hash && _values[slot] is { } pooled && AsciiEquals(pooled, utf8))
        {
            return pooled;
        }

        string value = Encoding.UTF8.GetString(utf8);
        _values[slot] = value;
        _hashes[slot] = hash;
        return value;
    }

    /// <summary>Equal when every byte is ASCII and matches its char; any non-ASCII value simply misses the pool.</summary>
    private static bool AsciiEquals(string value, ReadOnlySpan<byte> utf8)
    {
        if (value.Length != utf8.Length)
        {
            return false;
        }

        for (int i = 0; i < utf8.Length; i++)
        {
            if (value[i] != utf8[i] || utf8[i] > 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
