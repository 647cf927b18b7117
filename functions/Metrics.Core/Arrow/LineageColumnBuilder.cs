using Apache.Arrow;
using Metrics.Core.Ingest;

namespace Metrics.Core.Arrow;

/// <summary>Builds the three lineage columns for a file's rows.</summary>
internal sealed class LineageColumnBuilder
{
    private readonly DictionaryStringColumn _partition;
    private readonly Int64Array.Builder _sequence = new();
    private readonly TimestampArray.Builder _enqueued;

    public LineageColumnBuilder(int capacity)
    {
        _partition = new DictionaryStringColumn(capacity);
        _sequence.Reserve(capacity);
        _enqueued = ArrowColumns.TimestampBuilder(capacity);
    }

    public void Append(string partitionId, RawEvent raw)
    {
        _partition.Append(partitionId);
        _sequence.Append(raw.SequenceNumber);
        _enqueued.Append(raw.EnqueuedTime.ToUniversalTime());
    }

    public IEnumerable<IArrowArray> Build() => [_partition.Build(), _sequence.Build(), _enqueued.Build()];
}
