using Apache.Arrow;

namespace Metrics.Core.Landing;

/// <summary>Builds the three lineage columns for a file's rows.</summary>
internal sealed class LineageColumnBuilder
{
    private readonly DictionaryStringColumn _partition;
    private readonly FixedColumn<long> _sequence;
    private readonly FixedColumn<long> _enqueued;
    private int _rows;

    /// <param name="rows">The file's exact row count.</param>
    /// <param name="memory">Where the columns live.</param>
    public LineageColumnBuilder(int rows, ColumnMemory memory)
    {
        _partition = new DictionaryStringColumn(rows, memory);
        _sequence = new FixedColumn<long>(rows, memory);
        _enqueued = new FixedColumn<long>(rows, memory);
    }

    public void Append(string partitionId, RawEvent raw)
    {
        _partition.Append(partitionId);
        _sequence.Values[_rows] = raw.SequenceNumber;
        _enqueued.Values[_rows++] = ArrowColumns.Micros(raw.EnqueuedTime);
    }

    public IEnumerable<IArrowArray> Build() =>
        [
            _partition.Build(),
            new Int64Array(_sequence.Buffer, ArrowBuffer.Empty, _rows, 0, 0),
            new TimestampArray(ArrowColumns.UtcTimestamp, _enqueued.Buffer, ArrowBuffer.Empty, _rows, 0, 0),
        ];
}
