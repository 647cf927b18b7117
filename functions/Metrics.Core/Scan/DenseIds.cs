namespace Metrics.Core.Scan;

/// <summary>Numbers values 0, 1, 2... in the order they are first seen, and back: partitions and lines.</summary>
internal sealed class DenseIds<T>(IEqualityComparer<T> comparer)
    where T : notnull
{
    private readonly Dictionary<T, int> _ids = new(comparer);
    private readonly List<T> _values = [];

    public int Count => _values.Count;

    public T this[int id] => _values[id];

    public int IdOf(T value)
    {
        if (!_ids.TryGetValue(value, out int id))
        {
            id = _values.Count;
            _values.Add(value);
            _ids.Add(value, id);
        }

        return id;
    }
}
