namespace Metrics.Core.Landing;

/// <summary>
/// The memory one record batch's columns are built in. <see cref="Rent"/> gives a cleared array from the shared pool
/// and <see cref="Dispose"/> gives them all back, once the batch's file is written: an ingest batch of 1,000 events
/// builds some twenty columns of 8,000 rows (the uuids' bytes alone 320 KB, a large-object allocation), and as fresh
/// arrays each file cost a full collection every few batches (IngestBenchmarks). <see cref="Unpooled"/> allocates
/// plain arrays that nothing returns, for batches whose lifetime the caller does not bound (tests, tools).
/// </summary>
internal sealed class ColumnMemory : IDisposable
{
    private readonly List<byte[]>? _rented;

    private ColumnMemory(bool pooled) => _rented = pooled ? [] : null;

    /// <summary>Plain arrays, left to the GC.</summary>
    public static ColumnMemory Unpooled { get; } = new(pooled: false);

    /// <summary>A scope of pooled arrays; dispose it after the last use of the columns built in it.</summary>
    public static ColumnMemory Pooled() => new(pooled: true);

    /// <summary>
    /// An array of at least <paramref name="bytes"/> bytes, the first <paramref name="bytes"/> zero: a landed file's
    /// content must not depend on what a pooled array held before (a retry rewrites the same bytes).
    /// </summary>
    public byte[] Rent(int bytes)
    {
        if (_rented is null)
        {
            return new byte[bytes];
        }

        byte[] array = ArrayPool<byte>.Shared.Rent(bytes);
        array.AsSpan(0, bytes).Clear();
        _rented.Add(array);
        return array;
    }

    public void Dispose()
    {
        if (_rented is null)
        {
            return;
        }

        foreach (byte[] array in _rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _rented.Clear();
    }
}
