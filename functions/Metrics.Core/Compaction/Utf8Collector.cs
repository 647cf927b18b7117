using Apache.Arrow;

namespace Metrics.Core.Compaction;

/// <summary>Collects a plain UTF-8 string column as bytes, never as .NET strings.</summary>
internal sealed class Utf8Collector : ColumnCollector
{
    private readonly List<byte> _data = [];
    private readonly List<int> _starts = [];
    private readonly List<int> _lengths = [];
    private readonly List<bool> _valid = [];
    private int _nulls;
    private byte[] _dataScratch = [];
    private byte[] _offsetScratch = [];

    public override int Count => _starts.Count;

    public override void Add(IArrowArray array, ReadOnlySpan<int> rows)
    {
        var source = (StringArray)array;
        foreach (int row in rows)
        {
            bool valid = source.IsValid(row);
            ReadOnlySpan<byte> bytes = valid ? source.GetBytes(row) : default;
            _starts.Add(_data.Count);
            _lengths.Add(bytes.Length);
            _data.AddRange(bytes);
            _valid.Add(valid);
            _nulls += valid ? 0 : 1;
        }
    }

    public override IArrowArray Build(ReadOnlySpan<int> order)
    {
        ReadOnlySpan<byte> data = CollectionsMarshal.AsSpan(_data);
        long total = 0;
        foreach (int row in order)
        {
            total += _lengths[row];
        }

        byte[] bytes = Scratch(ref _dataScratch, checked((int)total));
        int offsetLength = (order.Length + 1) * sizeof(int);
        byte[] offsets = Scratch(ref _offsetScratch, offsetLength);
        Span<int> ends = MemoryMarshal.Cast<byte, int>(offsets.AsSpan(0, offsetLength));
        ends[0] = 0;
        int end = 0;
        for (int i = 0; i < order.Length; i++)
        {
            int row = order[i];
            data.Slice(_starts[row], _lengths[row]).CopyTo(bytes.AsSpan(end));
            end += _lengths[row];
            ends[i + 1] = end;
        }

        ArrowBuffer validity = Validity(_valid, _nulls, order, out int nullCount);
        return new StringArray(
            order.Length,
            new ArrowBuffer(offsets.AsMemory(0, offsetLength)),
            new ArrowBuffer(bytes.AsMemory(0, (int)total)),
            validity,
            nullCount,
            0
        );
    }

    /// <summary>Plain strings are ordered by the compactor's own key ranks, not here.</summary>
    public override long SortKey(int row) => throw new NotSupportedException("A plain string column can only be the first sort column.");

    /// <summary>The UTF-8 bytes of a collected row.</summary>
    public ReadOnlySpan<byte> Bytes(int row) => CollectionsMarshal.AsSpan(_data).Slice(_starts[row], _lengths[row]);

    private int _bytesPerRow = 40;

    public override void Reset(int rows)
    {
        if (_starts.Count > 0)
        {
            _bytesPerRow = Math.Max(1, (_data.Count / _starts.Count) + 1);
        }

        _data.Clear();
        _starts.Clear();
        _lengths.Clear();
        _valid.Clear();
        _starts.EnsureCapacity(rows);

        // The bytes are the one thing not known from the row count: sized from what the last range averaged (a GPU
        // uuid is 40 bytes), so the list does not double its way up, copying, through a range of a million rows.
        _data.EnsureCapacity((int)Math.Min(int.MaxValue, (long)rows * _bytesPerRow));
        _lengths.EnsureCapacity(rows);
        _valid.EnsureCapacity(rows);
        _nulls = 0;
    }
}
