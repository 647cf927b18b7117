using Apache.Arrow;
using Metrics.Core.Ingest;

namespace Metrics.Core.Arrow;

/// <summary>Builds the three lineage columns for a file's rows.</summary>
internal sealed class LineageColumnBuilder
{
    private readonly DictionaryStringColumn _partition;
    private readonly long[] _sequence;
    private readonly long[] _enqueued;
    private int _rows;

    /// <param name="rows">The file's exact row count.</param>
    public LineageColumnBuilder(int rows)
    {
        _partition = new DictionaryStringColumn(rows);
        _sequence = new long[rows];
        _enqueued = new long[rows];
    }

    public void Append(string partitionId, RawEvent raw)
    {
        _partition.Append(partitionId);
        _sequence[_rows] = raw.SequenceNumber;
        _enqueued[_rows++] = ColumnArrays.Micros(raw.EnqueuedTime);
    }

    public IEnumerable<IArrowArray> Build() => [_partition.Build(), ColumnArrays.Int64(_sequence), ColumnArrays.Timestamps(_enqueued)];
}
