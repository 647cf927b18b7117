using Apache.Arrow;

namespace Metrics.Core.Landing;

/// <summary>
/// The <see cref="GpuRowSchema"/> columns of one batch, sized for its rows up front and filled in place, then handed to
/// Arrow without a copy (<see cref="Build"/>, in the schema's order).
/// </summary>
internal sealed class GpuRowColumns(int rows, int uuidBytes, ColumnMemory memory)
{
    public FixedColumn<long> Ts { get; } = new(rows, memory);

    public DictionaryStringColumn Cluster { get; } = new(rows, memory);

    public DictionaryStringColumn Node { get; } = new(rows, memory);

    public Utf8Column Uuid { get; } = new(rows, uuidBytes, memory);

    public FixedColumn<int> Index { get; } = new(rows, memory);

    public DictionaryStringColumn Model { get; } = new(rows, memory);

    public DictionaryStringColumn Reported { get; } = new(rows, memory);

    public DictionaryStringColumn Institution { get; } = new(rows, memory);

    public DictionaryStringColumn JobId { get; } = new(rows, memory);

    public FixedColumn<double> Util { get; } = new(rows, memory);

    public FixedColumn<long> MemUsed { get; } = new(rows, memory);

    public FixedColumn<long> MemTotal { get; } = new(rows, memory);

    public FixedColumn<double> Power { get; } = new(rows, memory);

    public ValidityBitmap PowerValid { get; } = new(rows, memory);

    public FixedColumn<double> Temp { get; } = new(rows, memory);

    public ValidityBitmap TempValid { get; } = new(rows, memory);

    public FixedColumn<int> Interval { get; } = new(rows, memory);

    public LineageColumnBuilder Lineage { get; } = new(rows, memory);

    public IArrowArray[] Build() =>
        [
            new TimestampArray(ArrowColumns.UtcTimestamp, Ts.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            Cluster.Build(),
            Node.Build(),
            Uuid.Build(),
            new Int32Array(Index.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            Model.Build(),
            Institution.Build(),
            JobId.Build(),
            new DoubleArray(Util.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            new Int64Array(MemUsed.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            new Int64Array(MemTotal.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            new DoubleArray(Power.Buffer, PowerValid.Buffer, rows, PowerValid.NullCount, 0),
            new DoubleArray(Temp.Buffer, TempValid.Buffer, rows, TempValid.NullCount, 0),
            new Int32Array(Interval.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            Reported.Build(),
            .. Lineage.Build(),
        ];
}
