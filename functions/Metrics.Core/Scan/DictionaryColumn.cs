using Apache.Arrow;

namespace Metrics.Core.Scan;

/// <summary>A dictionary-encoded (or plain) string column, read by index without a string per row.</summary>
internal readonly ref struct DictionaryColumn
{
    private readonly Int32Array? _indices;
    private readonly ReadOnlySpan<int> _indexValues;
    private readonly bool _hasNulls;
    private readonly StringArray _values;
    private readonly bool _plain;

    public DictionaryColumn(IArrowArray array)
    {
        switch (array)
        {
            case DictionaryArray { Indices: Int32Array indices, Dictionary: StringArray values }:
                _indices = indices;
                _indexValues = indices.Values;
                _hasNulls = indices.NullCount > 0;
                _values = values;
                break;
            case StringArray plain:
                _values = plain;
                _plain = true;
                break;
            default:
                throw new InvalidDataException($"Expected a dictionary string column, got {array.Data.DataType.Name}.");
        }
    }

    /// <summary>The row's dictionary index, or -1 for null. The index span is taken once per batch, not per row.</summary>
    public int IndexAt(int row) =>
        _plain ? (_values.IsNull(row) ? -1 : row) : (_hasNulls && _indices!.IsNull(row) ? -1 : _indexValues[row]);

    public string?[] Values()
    {
        var values = new string?[_values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = _values.IsNull(i) ? null : _values.GetString(i);
        }

        return values;
    }

    public int[] Map(Func<string, int> id)
    {
        var ids = new int[_values.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = _values.IsNull(i) ? -1 : id(_values.GetString(i));
        }

        return ids;
    }
}
