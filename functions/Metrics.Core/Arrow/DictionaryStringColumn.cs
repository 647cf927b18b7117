using Apache.Arrow;
using Apache.Arrow.Types;

namespace Metrics.Core.Arrow;

/// <summary>
/// Builds a dictionary-encoded string column. Used for columns that repeat within a file (cluster, node, model,
/// institution, job id): each distinct value is stored once and rows hold an int32 index.
/// </summary>
internal sealed class DictionaryStringColumn
{
    public static readonly DictionaryType Type = new(Int32Type.Default, StringType.Default, false);

    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private readonly StringArray.Builder _values = new();
    private readonly Int32Array.Builder _indices = new();
    private string? _last;
    private int _lastPosition;

    public DictionaryStringColumn(int capacity) => _indices.Reserve(capacity);

    public void Append(string? value)
    {
        if (value is null)
        {
            _indices.AppendNull();
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

        _indices.Append(_lastPosition);
    }

    public DictionaryArray Build() => new(Type, _indices.Build(), _values.Build());
}
