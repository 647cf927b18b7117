using Apache.Arrow;

namespace Metrics.Core.Landing;

/// <summary>
/// A fixed-width column written in place: the values live in the byte array that becomes the Arrow buffer, so
/// building the array copies nothing. The encoders fill these in one loop: Arrow's builders check capacity and set a
/// validity bit on every append, and grow their buffers by copying, which for a batch's 8,000 rows cost more than
/// decoding them (IngestBenchmarks).
/// </summary>
internal sealed class FixedColumn<T>
    where T : unmanaged
{
    private readonly byte[] _bytes;

    /// <summary>The column's bytes; a rented array may be longer.</summary>
    private readonly int _length;

    public FixedColumn(int rows, ColumnMemory memory)
    {
        _length = rows * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        _bytes = memory.Rent(_length);
    }

    public Span<T> Values => MemoryMarshal.Cast<byte, T>(_bytes.AsSpan(0, _length));

    public ArrowBuffer Buffer => new(_bytes.AsMemory(0, _length));
}
