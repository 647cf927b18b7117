using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace Metrics.Core.Landing;

/// <summary>What <c>metrics inspect</c> shows of a landed Arrow file: schema, row count, time range and the first rows.</summary>
public sealed record ArrowFileSummary(
    Schema Schema,
    long Rows,
    DateTimeOffset? MinTs,
    DateTimeOffset? MaxTs,
    IReadOnlyList<IReadOnlyList<string>> FirstRows
)
{
    public static async Task<ArrowFileSummary> ReadAsync(Stream stream, int firstRows, CancellationToken cancellationToken)
    {
        using ArrowFileReader reader = ArrowIpc.OpenFile(stream, leaveOpen: true);
        Schema schema = reader.Schema;
        int tsColumn = schema.GetFieldIndex(GpuRowSchema.Columns.Ts);
        long rows = 0;
        DateTimeOffset? min = null,
            max = null;
        var samples = new List<IReadOnlyList<string>>();
        await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(reader, cancellationToken).ConfigureAwait(false))
        {
            rows += batch.Length;
            for (int i = 0; i < batch.Length; i++)
            {
                if (tsColumn >= 0 && ArrowCells.Timestamp(batch.Column(tsColumn), i) is { } ts)
                {
                    min = min is null || ts < min ? ts : min;
                    max = max is null || ts > max ? ts : max;
                }

                if (samples.Count < firstRows)
                {
                    var row = new string[batch.ColumnCount];
                    for (int c = 0; c < batch.ColumnCount; c++)
                    {
                        row[c] = ArrowCells.Format(batch.Column(c), i);
                    }

                    samples.Add(row);
                }
            }
        }

        return new ArrowFileSummary(schema, rows, min, max, samples);
    }

    /// <summary>A readable type name: <c>dictionary&lt;int32, utf8&gt;</c>, <c>timestamp[us, UTC]</c>, <c>int64</c>...</summary>
    public static string TypeName(IArrowType type) =>
        type switch
        {
            DictionaryType d => $"dictionary<{TypeName(d.IndexType)}, {TypeName(d.ValueType)}>",
            TimestampType t => $"timestamp[{(t.Unit == TimeUnit.Microsecond ? "us" : t.Unit.ToString().ToLowerInvariant())}, {t.Timezone}]",
            _ => type.Name,
        };
}
