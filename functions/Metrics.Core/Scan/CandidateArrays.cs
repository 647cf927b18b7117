using System.Numerics;

namespace Metrics.Core.Scan;

/// <summary>
/// Arrays in size classes, kept for reuse when returned: what the rollup's per-GPU sample lists live in. An
/// hour's scan makes one list per GPU (16,000 at the national hour) and drops them all at its end; new each time, they
/// were most of the rollup scan's allocations and its GC. Unlike <see cref="System.Buffers.ArrayPool{T}"/>, a request
/// is always served at its own size class (never a bigger one), so a list's room, and the bound on it, stay exact.
/// What the pool keeps is capped at <see cref="MaxKeptElements"/> in all.
/// </summary>
internal sealed class CandidateArrays<T>
{
    /// <summary>
    /// Elements kept for reuse, in all sizes together: 1 M (32 MB of 32-byte samples), what an hour of 2,600 GPUs takes.
    /// A national hour's lists (16,000 GPUs) are reused in part; keeping them all would hold 200 MB between rollups.
    /// </summary>
    public const long MaxKeptElements = 1024 * 1024;

    /// <summary>
    /// The largest class kept: 8,192 elements (a GPU sampled every 0.5 s for an hour). Bigger arrays are made at their
    /// class's size and left to the GC.
    /// </summary>
    private const int MaxKeptLength = 8192;

    private readonly Stack<T[]>[] _kept = Enumerable.Range(0, ClassOf(MaxKeptLength) + 1).Select(_ => new Stack<T[]>()).ToArray();
    private readonly Lock _lock = new();
    private long _keptElements;

    public static CandidateArrays<T> Shared { get; } = new();

    /// <summary>
    /// The length an array for <paramref name="length"/> elements has: a power of two up to 64, then the next multiple of
    /// 64, so that a list sized for an hour wastes at most 63 slots (361 samples at 10 s take 384, where a power of two
    /// would take 512 and the national hour's rollup 170 MB more).
    /// </summary>
    public static int SizeFor(int length) =>
        length <= 64 ? (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, length)) : checked((length + 63) / 64 * 64);

    /// <summary>The class of a <see cref="SizeFor"/> length: 0-6 for 1 to 64, then one per multiple of 64.</summary>
    private static int ClassOf(int size) => size <= 64 ? BitOperations.Log2((uint)size) : 5 + (size / 64);

    /// <summary>An array of exactly <see cref="SizeFor"/> elements; a reused one holds stale values.</summary>
    public T[] Rent(int length)
    {
        int size = SizeFor(length);
        if (size > MaxKeptLength)
        {
            return new T[size];
        }

        lock (_lock)
        {
            if (_kept[ClassOf(size)].TryPop(out T[]? kept))
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
        if (array.Length == 0 || array.Length > MaxKeptLength || SizeFor(array.Length) != array.Length)
        {
            return;
        }

        lock (_lock)
        {
            if (_keptElements + array.Length <= MaxKeptElements)
            {
                _kept[ClassOf(array.Length)].Push(array);
                _keptElements += array.Length;
            }
        }
    }
}
