using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Landing;

/// <summary>Turns validated GPU samples into one <see cref="GpuRowSchema"/> record batch, filling each column in one pass.</summary>
public static class GpuRowsEncoder
{
    public static RecordBatch Encode(
        string partitionId,
        IReadOnlyList<(GpuSample Sample, RawEvent Raw)> samples,
        GpuModelCatalogue? catalogue = null
    ) => Encode(partitionId, samples, catalogue ?? GpuModelCatalogue.Empty, ColumnMemory.Unpooled);

    /// <summary>
    /// Encodes into <paramref name="memory"/>, which must outlive every use of the batch. Each GPU's model lands as the
    /// catalogue's canonical id, and as sent in its own column.
    /// </summary>
    internal static RecordBatch Encode(
        string partitionId,
        IReadOnlyList<(GpuSample Sample, RawEvent Raw)> samples,
        GpuModelCatalogue catalogue,
        ColumnMemory memory
    )
    {
        int rows = 0,
            uuidBytes = 0;
        foreach ((GpuSample sample, _) in samples)
        {
            rows += sample.Gpus.Count;
            foreach (ref readonly GpuReading gpu in Readings(sample))
            {
                uuidBytes += System.Text.Encoding.UTF8.GetByteCount(gpu.Uuid);
            }
        }

        var tsColumn = new FixedColumn<long>(rows, memory);
        var cluster = new DictionaryStringColumn(rows, memory);
        var node = new DictionaryStringColumn(rows, memory);
        var uuid = new Utf8Column(rows, uuidBytes, memory);
        var indexColumn = new FixedColumn<int>(rows, memory);
        var model = new DictionaryStringColumn(rows, memory);
        var reported = new DictionaryStringColumn(rows, memory);
        var institution = new DictionaryStringColumn(rows, memory);
        var jobId = new DictionaryStringColumn(rows, memory);
        var utilColumn = new FixedColumn<double>(rows, memory);
        var memUsedColumn = new FixedColumn<long>(rows, memory);
        var memTotalColumn = new FixedColumn<long>(rows, memory);
        var powerColumn = new FixedColumn<double>(rows, memory);
        var powerValid = new ValidityBitmap(rows, memory);
        var tempColumn = new FixedColumn<double>(rows, memory);
        var tempValid = new ValidityBitmap(rows, memory);
        var intervalColumn = new FixedColumn<int>(rows, memory);
        var lineage = new LineageColumnBuilder(rows, memory);
        Span<long> ts = tsColumn.Values,
            memUsed = memUsedColumn.Values,
            memTotal = memTotalColumn.Values;
        Span<int> index = indexColumn.Values,
            interval = intervalColumn.Values;
        Span<double> util = utilColumn.Values,
            power = powerColumn.Values,
            temp = tempColumn.Values;

        // Decoded model names are pooled strings, so a batch's rows share a handful of instances: the catalogue is asked
        // once per change of instance, not once per row (5.7 million rows in a national hour).
        string? lastReported = null,
            lastCanonical = null;
        int row = 0;
        foreach ((GpuSample sample, RawEvent raw) in samples)
        {
            long micros = ArrowColumns.Micros(sample.Ts);
            foreach (ref readonly GpuReading gpu in Readings(sample))
            {
                ts[row] = micros;
                cluster.Append(sample.Cluster);
                node.Append(sample.Node);
                uuid.Append(gpu.Uuid);
                index[row] = gpu.Index;
                if (!ReferenceEquals(gpu.Model, lastReported))
                {
                    lastReported = gpu.Model;
                    lastCanonical = catalogue.Canonical(gpu.Model);
                }

                model.Append(lastCanonical);
                reported.Append(gpu.Model);
                institution.Append(gpu.Institution);
                jobId.Append(gpu.JobId);
                util[row] = gpu.UtilPct;
                memUsed[row] = gpu.MemUsedMiB;
                memTotal[row] = gpu.MemTotalMiB;
                if (gpu.PowerW is { } watts)
                {
                    power[row] = watts;
                }
                else
                {
                    powerValid.SetNull(row);
                }

                if (gpu.TempC is { } celsius)
                {
                    temp[row] = celsius;
                }
                else
                {
                    tempValid.SetNull(row);
                }

                interval[row] = sample.IntervalS;
                lineage.Append(partitionId, raw);
                row++;
            }
        }

        IArrowArray[] columns =
        [
            new TimestampArray(ArrowColumns.UtcTimestamp, tsColumn.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            cluster.Build(),
            node.Build(),
            uuid.Build(),
            new Int32Array(indexColumn.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            model.Build(),
            institution.Build(),
            jobId.Build(),
            new DoubleArray(utilColumn.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            new Int64Array(memUsedColumn.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            new Int64Array(memTotalColumn.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            new DoubleArray(powerColumn.Buffer, powerValid.Buffer, rows, powerValid.NullCount, 0),
            new DoubleArray(tempColumn.Buffer, tempValid.Buffer, rows, tempValid.NullCount, 0),
            new Int32Array(intervalColumn.Buffer, ArrowBuffer.Empty, rows, 0, 0),
            reported.Build(),
            .. lineage.Build(),
        ];
        return new RecordBatch(GpuRowSchema.Schema, columns, rows);
    }

    /// <summary>
    /// The readings as a span, without copying them: the decoder gives an array. Through IReadOnlyList, each reading
    /// would be an interface call (an indexer) or an enumerator allocated per sample, both measurably slower.
    /// </summary>
    private static ReadOnlySpan<GpuReading> Readings(GpuSample sample) => sample.Gpus is GpuReading[] array ? array : sample.Gpus.ToArray();
}
