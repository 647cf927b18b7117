using Apache.Arrow;

namespace Metrics.Core.Arrow;

/// <summary>A validity bitmap filled row by row; rows are valid until marked null.</summary>
internal sealed class ValidityBitmap(int rows, ColumnMemory memory)
{
    private readonly byte[] _bits = CreateAllValid(rows, memory);

    public int NullCount { get; private set; }

    public ArrowBuffer Buffer => NullCount == 0 ? ArrowBuffer.Empty : new ArrowBuffer(_bits.AsMemory(0, (rows + 7) / 8));

    public void SetNull(int row)
    {
        _bits[row >> 3] &= (byte)~(1 << (row & 7));
        NullCount++;
    }

    private static byte[] CreateAllValid(int rows, ColumnMemory memory)
    {
        byte[] bits = memory.Rent((rows + 7) / 8);
        bits.AsSpan(0, (rows + 7) / 8).Fill(0xFF);
        return bits;
    }
}
