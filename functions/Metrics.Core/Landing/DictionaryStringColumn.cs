using Apache.Arrow;
using Apache.Arrow.Types;

namespace Metrics.Core.Landing;

/// <summary>
/// Builds a dictionary-encoded string column. Used for columns that repeat within a file (cluster, node, model,
/// institution, job id): each distinct value is stored once and rows hold an int32 index.
/// </summary>
internal sealed class DictionaryStringColumn
{
    public static readonly DictionaryType Type = new(Int32Type.Default, StringType.Default, false);

    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private readonly StringArray.Builder _values = new();
    private readonly FixedColumn<int> _indices;
    private readonly ValidityBitmap _validity;
    private readonly int _capacity;
    private int _rows;
    private string? _last;
    private int _lastPosition;

    /// <param name="rows">The column's exact row count.</param>
    /// <param name="memory">Where the indices and validity live.</param>
    public DictionaryStringColumn(int rows, ColumnMemory memory)
    {
        _indices = new FixedColumn<int>(rows, memory);
        _capacity = rows;
        _validity = new ValidityBitmap(rows, memory);
    }

    public void Append(string? value)
    {
        if (value is null)
        {
            _validity.SetNull(_rows++);
            return;
        }

        // Rows come in runs (a node's GPUs, one file's partition) and decoded values are pooled strings, so the same
        // instance as the row before is the common case, and costs no hashing.
        if (!ReferenceEquals(value, _last))
        {
            if (!_positions.TryGetValue(value, out _lastPosition))
            {
                _lastPosition = _positions.Count;
                _positions.Add(value, _lastPosition);
                _values.Append(value);
            }

            _last = value;
        }

        _indices.Values[_rows++] = _lastPosition;
    }

    public DictionaryArray Build()
    {
        if (_rows != _capacity)
        {
            throw new InvalidOperationException($"The column was sized for {_capacity} rows but holds {_rows}.");
        }

        var indices = new Int32Array(_indices.Buffer, _validity.Buffer, _rows, _validity.NullCount, 0);
        return new DictionaryArray(Type, indices, _values.Build());
    }
}
