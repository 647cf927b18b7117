using System.Numerics;
using Apache.Arrow;

namespace Metrics.Core.Compaction;

/// <summary>Collects a fixed-width column (timestamps, integers, doubles) row by row, nulls kept.</summary>
internal sealed class FixedCollector<T>(Func<ArrowBuffer, ArrowBuffer, int, int, IArrowArray> create) : ColumnCollector
    where T : unmanaged, INumberBase<T>
{
    private readonly List<T> _values = [];
    private readonly List<bool> _valid = [];
    private int _nulls;
    private byte[] _scratch = [];

    public override int Count => _values.Count;

    public override void Add(IArrowArray array, ReadOnlySpan<int> rows)
    {
        var source = (PrimitiveArray<T>)array;
        ReadOnlySpan<T> values = source.Values;
        bool anyNull = source.NullCount > 0;
        foreach (int row in rows)
        {
            bool valid = !anyNull || source.IsValid(row);
            Append(valid ? values[row] : default, valid);
        }
    }

    /// <summary>Appends one value (ignored when not <paramref name="valid"/>): for callers that compute the values.</summary>
    public void Append(T value, bool valid)
    {
        _values.Add(value);
        _valid.Add(valid);
        _nulls += valid ? 0 : 1;
    }

    public override IArrowArray Build(ReadOnlySpan<int> order)
    {
        int length = order.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        byte[] bytes = Scratch(ref _scratch, length);
        Span<T> target = MemoryMarshal.Cast<byte, T>(bytes.AsSpan(0, length));
        ReadOnlySpan<T> values = CollectionsMarshal.AsSpan(_values);
        for (int i = 0; i < order.Length; i++)
        {
            target[i] = values[order[i]];
        }

        ArrowBuffer validity = Validity(_valid, _nulls, order, out int nullCount);
        return create(new ArrowBuffer(bytes.AsMemory(0, length)), validity, order.Length, nullCount);
    }

    public override long SortKey(int row) => _valid[row] ? long.CreateTruncating(_values[row]) : long.MinValue;

    public override void Reset(int rows)
    {
        _values.Clear();
        _valid.Clear();
        _values.EnsureCapacity(rows);
        _valid.EnsureCapacity(rows);
        _nulls = 0;
    }
}
