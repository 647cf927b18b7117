using Metrics.Contract;

namespace Metrics.Core.Scan;

/// <summary>
/// A small cache from a GPU uuid's landed bytes (the contract's 40-byte form) to a value, so that the rollup parses a
/// uuid once per GPU instead of once per row. Two-way set-associative: a landed file's rows cycle through its
/// partition's GPUs (about 500 on the national hour) between two samples of one GPU, and in a direct-mapped table
/// of 4,096 slots some 30 pairs of them collided and missed on every row (6 % of rows parsed, RollupScanBenchmarks).
/// The bytes are compared in full, so a hit is never wrong; any other length is never cached.
/// </summary>
internal sealed class UuidCache<T>
    where T : class
{
    private const int KeyBytes = 40;
    private const int SetBits = 11;
    private const int Ways = 2;

    private readonly byte[] _keys = new byte[(1 << SetBits) * Ways * KeyBytes];
    private readonly T?[] _values = new T?[(1 << SetBits) * Ways];
    private readonly bool[] _filled = new bool[(1 << SetBits) * Ways];

    /// <summary>Per set, the way the next miss replaces: the one not used last.</summary>
    private readonly byte[] _victim = new byte[1 << SetBits];

    /// <summary>Whether <paramref name="uuid"/> is cached, and its value (which may be null: "not this shard's GPU").</summary>
    public bool TryGet(ReadOnlySpan<byte> uuid, out T? value)
    {
        value = null;
        if (uuid.Length != KeyBytes)
        {
            return false;
        }

        int set = SetOf(uuid);
        for (int way = 0; way < Ways; way++)
        {
            int entry = (set * Ways) + way;
            if (_filled[entry] && uuid.SequenceEqual(_keys.AsSpan(entry * KeyBytes, KeyBytes)))
            {
                _victim[set] = (byte)(Ways - 1 - way);
                value = _values[entry];
                return true;
            }
        }

        return false;
    }

    /// <summary>Caches <paramref name="value"/> for <paramref name="uuid"/>, evicting its set's least recently used entry.</summary>
    public void Add(ReadOnlySpan<byte> uuid, T? value)
    {
        if (uuid.Length != KeyBytes)
        {
            return;
        }

        int set = SetOf(uuid);
        int way = _victim[set];
        int entry = (set * Ways) + way;
        uuid.CopyTo(_keys.AsSpan(entry * KeyBytes, KeyBytes));
        _values[entry] = value;
        _filled[entry] = true;
        _victim[set] = (byte)(Ways - 1 - way);
    }

    public void Clear()
    {
        Array.Clear(_values);
        Array.Clear(_filled);
    }

    /// <summary>The set of a uuid, from what follows its <c>GPU-</c>/<c>MIG-</c> prefix (the prefix repeats on every uuid).</summary>
    private static int SetOf(ReadOnlySpan<byte> uuid) => (int)(ShortBytesHash.Of(uuid[4..]) >> (64 - SetBits));
}
