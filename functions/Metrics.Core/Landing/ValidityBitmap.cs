using Apache.Arrow;

namespace Metrics.Core.Landing;

/// <summary>A validity bitmap filled row by row; rows are valid until marked null.</summary>
internal sealed class ValidityBitmap
{
    private readonly byte[] _bits;

    /// <summary>The bitmap's bytes, one bit a row; a rented array may be longer.</summary>
    private readonly int _length;

    public ValidityBitmap(int rows, ColumnMemory memory)
    {
        _length = (rows + 7) / 8;
        _bits = memory.Rent(_length);
        _bits.AsSpan(0, _length).Fill(0xFF);
    }

    public int NullCount { get; private set; }

    public ArrowBuffer Buffer => NullCount == 0 ? ArrowBuffer.Empty : new ArrowBuffer(_bits.AsMemory(0, _length));

    public void SetNull(int row)
    {
        _bits[row >> 3] &= (byte)~(1 << (row & 7));
        NullCount++;
    }

    /// <summary>Writes the row's value into <paramref name="values"/>, or marks the row null when it has none.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Write<T>(Span<T> values, int row, T? value)
        where T : unmanaged
    {
        if (value is { } present)
        {
            values[row] = present;
        }
        else
        {
            SetNull(row);
        }
    }
}
