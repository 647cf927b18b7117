using Apache.Arrow;
using Apache.Arrow.Types;

namespace Metrics.Core.Compaction;

/// <summary>
/// Collects a dictionary-encoded string column as positions in one dictionary for the whole output file. Every record
/// batch of a compacted file shares that dictionary, which the Arrow file format needs (it has no dictionary
/// replacement between batches), and which sorted ordinally makes a position a sort key.
/// </summary>
internal sealed class DictionaryCollector : ColumnCollector
{
    private readonly DictionaryType _type;
    private readonly Dictionary<string, int> _positions;
    private readonly StringArray _dictionary;

    /// <summary>The rows' positions in the file dictionary: an int32 column like any other, wrapped at build time.</summary>
    private readonly FixedCollector<int> _indices = new(
        (values, validity, count, nulls) => new Int32Array(values, validity, count, nulls, 0)
    );

    public DictionaryCollector(DictionaryType type, IReadOnlyList<string> dictionary)
    {
        _type = type;
        _positions = new Dictionary<string, int>(dictionary.Count, StringComparer.Ordinal);
        var builder = new StringArray.Builder();
        foreach (string value in dictionary)
        {
            _positions.Add(value, _positions.Count);
            builder.Append(value);
        }

        _dictionary = builder.Build();
    }

    public override int Count => _indices.Count;

    public override void Add(IArrowArray array, ReadOnlySpan<int> rows)
    {
        var source = (DictionaryArray)array;
        var sourceIndices = (Int32Array)source.Indices;
        var sourceValues = (StringArray)source.Dictionary;

        // Each source batch has its own small dictionary: translate it once, not each row.
        var translate = new int[sourceValues.Length];
        for (int i = 0; i < translate.Length; i++)
        {
            string value = sourceValues.GetString(i);
            translate[i] = _positions.TryGetValue(value, out int position)
                ? position
                : throw new InvalidOperationException(
                    $"'{value}' is not in the file dictionary: the sources changed between the compactor's passes."
                );
        }

        ReadOnlySpan<int> indices = sourceIndices.Values;
        foreach (int row in rows)
        {
            bool valid = source.IsValid(row);
            _indices.Append(valid ? translate[indices[row]] : 0, valid);
        }
    }

    public override IArrowArray Build(ReadOnlySpan<int> order) => new DictionaryArray(_type, _indices.Build(order), _dictionary);

    public override long SortKey(int row) => _indices.SortKey(row);

    public override void Reset(int rows) => _indices.Reset(rows);
}
