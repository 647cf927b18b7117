using System.Numerics;

namespace Metrics.Core.Billing;

/// <summary>
/// Arrays of a power-of-two length, kept for reuse when returned: what the rollup's per-GPU sample lists live in. An
/// hour's scan makes one list per GPU (16,000 at the national hour) and drops them all at its end; new each time, they
/// were most of the rollup scan's allocations and its GC. Unlike <see cref="System.Buffers.ArrayPool{T}"/>, a request
/// is always served at its own size class (never a bigger one), so a list's room, and the bound on it, stay exact.
/// What the pool keeps is capped at <see cref="MaxKeptElements"/> in all.
/// </summary>
internal sealed class CandidateArrays<T>
{
    /// <summary>Elements kept for reuse, in all sizes together: 2 M (64 MB of 32-byte samples).</summary>
    public const long MaxKeptElements = 2L * 1024 * 1024;

    private readonly Stack<T[]>[] _kept = Enumerable.Range(0, 31).Select(_ => new Stack<T[]>()).ToArray();
    private readonly Lock _lock = new();
    private long _keptElements;

    public static CandidateArrays<T> Shared { get; } = new();

    /// <summary>The length an array for <paramref name="length"/> elements has: the next power of two (at least 1).</summary>
    public static int SizeFor(int length) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, length));

    /// <summary>An array of exactly <see cref="SizeFor"/> elements; a reused one holds stale values.</summary>
    public T[] Rent(int length)
    {
        int size = SizeFor(length);
        lock (_lock)
        {
            if (_kept[BitOperations.Log2((uint)size)].TryPop(out T[]? kept))
            {
                _keptElements -= kept.Length;
                return kept;
            }
        }

        return new T[size];
    }

    /// <summary>Keeps <paramref name="array"/> for reuse, unless the pool is full; the caller must not touch it again.</summary>
    public void Return(T[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length == 0 || !BitOperations.IsPow2(array.Length))
        {
            return;
        }

        lock (_lock)
        {
            if (_keptElements + array.Length <= MaxKeptElements)
            {
                _kept[BitOperations.Log2((uint)array.Length)].Push(array);
                _keptElements += array.Length;
            }
        }
    }
}
