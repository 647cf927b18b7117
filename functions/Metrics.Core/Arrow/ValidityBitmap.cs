using Apache.Arrow;

namespace Metrics.Core.Arrow;

/// <summary>A validity bitmap filled row by row; rows are valid until marked null.</summary>
internal sealed class ValidityBitmap(int rows)
{
    private readonly byte[] _bits = CreateAllValid(rows);

    public int NullCount { get; private set; }

    public ArrowBuffer Buffer => NullCount == 0 ? ArrowBuffer.Empty : new ArrowBuffer(_bits);

    public void SetNull(int row)
    {
        _bits[row >> 3] &= (byte)~(1 << (row & 7));
        NullCount++;
    }

    private static byte[] CreateAllValid(int rows)
    {
        var bits = new byte[(rows + 7) / 8];
        bits.AsSpan().Fill(0xFF);
        return bits;
    }
}
