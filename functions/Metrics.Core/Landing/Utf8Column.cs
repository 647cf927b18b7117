using Apache.Arrow;

namespace Metrics.Core.Landing;

/// <summary>A UTF-8 string column of known rows, its data buffer sized once from the values' byte count.</summary>
internal sealed class Utf8Column(int rows, int dataBytes, ColumnMemory memory)
{
    private readonly byte[] _offsets = memory.Rent((rows + 1) * sizeof(int));
    private readonly byte[] _data = memory.Rent(dataBytes);
    private int _rows;
    private int _end;

    public void Append(string value)
    {
        _end += System.Text.Encoding.UTF8.GetBytes(value, _data.AsSpan(_end));
        MemoryMarshal.Cast<byte, int>(_offsets.AsSpan())[++_rows] = _end;
    }

    public StringArray Build() =>
        new(
            _rows,
            new ArrowBuffer(_offsets.AsMemory(0, (_rows + 1) * sizeof(int))),
            new ArrowBuffer(_data.AsMemory(0, _end)),
            ArrowBuffer.Empty,
            0,
            0
        );
}
