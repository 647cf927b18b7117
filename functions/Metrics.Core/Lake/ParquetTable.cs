using Apache.Arrow;
using Apache.Arrow.Types;
using Metrics.Core.Landing;
using ParquetSharp.Arrow;

namespace Metrics.Core.Lake;

/// <summary>
/// Rows of a report (usage lines, FOCUS rows) as one Parquet file, through an Arrow record batch per row group so the
/// lake's one writer (<see cref="LakeParquet"/>) writes them as it writes the hours.
/// </summary>
public static class ParquetTable
{
    public static readonly Decimal128Type DecimalType = new(38, 12);

    public static void Write<T>(Stream output, IReadOnlyList<T> rows, IReadOnlyList<TableColumn<T>> columns)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        var builder = new Schema.Builder();
        foreach (TableColumn<T> column in columns)
        {
            builder.Field(new Field(column.Name, TypeOf(column.Kind), nullable: true));
        }

        Schema schema = builder.Build();
        using FileWriter writer = LakeParquet.Create(output, schema);
        foreach (T[] chunk in rows.Chunk(LakeParquet.RowsPerRowGroup))
        {
            IArrowArray[] arrays = columns.Select(c => Build(c, chunk)).ToArray();
            using var batch = new RecordBatch(schema, arrays, chunk.Length);
            writer.WriteRecordBatch(batch);
        }

        writer.Close();
    }

    private static IArrowType TypeOf(ColumnKind kind) =>
        kind switch
        {
            ColumnKind.Decimal => DecimalType,
            ColumnKind.Timestamp => ArrowColumns.UtcTimestamp,
            ColumnKind.Integer => Int64Type.Default,
            _ => StringType.Default,
        };

    private static IArrowArray Build<T>(TableColumn<T> column, T[] rows)
    {
        switch (column.Kind)
        {
            case ColumnKind.Decimal:
                var decimals = new Decimal128Array.Builder(DecimalType);
                foreach (T row in rows)
                {
                    _ = column.Value(row) is decimal d ? decimals.Append(d) : decimals.AppendNull();
                }

                return decimals.Build();
            case ColumnKind.Timestamp:
                var instants = new TimestampArray.Builder(ArrowColumns.UtcTimestamp);
                foreach (T row in rows)
                {
                    _ = column.Value(row) is DateTimeOffset t ? instants.Append(t) : instants.AppendNull();
                }

                return instants.Build();
            case ColumnKind.Integer:
                var integers = new Int64Array.Builder();
                foreach (T row in rows)
                {
                    _ = column.Value(row) is { } n
                        ? integers.Append(Convert.ToInt64(n, CultureInfo.InvariantCulture))
                        : integers.AppendNull();
                }

                return integers.Build();
            default:
                var strings = new StringArray.Builder();
                foreach (T row in rows)
                {
                    _ = column.Value(row) is string s ? strings.Append(s) : strings.AppendNull();
                }

                return strings.Build();
        }
    }
}
