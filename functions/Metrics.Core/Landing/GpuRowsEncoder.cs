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

        var columns = new GpuRowColumns(rows, uuidBytes, memory);
        Fill(columns, partitionId, samples, catalogue);
        return new RecordBatch(GpuRowSchema.Schema, columns.Build(), rows);
    }

    /// <summary>One row per reading, each column written in place in one pass over the samples.</summary>
    private static void Fill(
        GpuRowColumns columns,
        string partitionId,
        IReadOnlyList<(GpuSample Sample, RawEvent Raw)> samples,
        GpuModelCatalogue catalogue
    )
    {
        Span<long> ts = columns.Ts.Values,
            memUsed = columns.MemUsed.Values,
            memTotal = columns.MemTotal.Values;
        Span<int> index = columns.Index.Values,
            interval = columns.Interval.Values;
        Span<double> util = columns.Util.Values,
            power = columns.Power.Values,
            temp = columns.Temp.Values;

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
                columns.Cluster.Append(sample.Cluster);
                columns.Node.Append(sample.Node);
                columns.Uuid.Append(gpu.Uuid);
                index[row] = gpu.Index;
                if (!ReferenceEquals(gpu.Model, lastReported))
                {
                    lastReported = gpu.Model;
                    lastCanonical = catalogue.Canonical(gpu.Model);
                }

                columns.Model.Append(lastCanonical);
                columns.Reported.Append(gpu.Model);
                columns.Institution.Append(gpu.Institution);
                columns.JobId.Append(gpu.JobId);
                util[row] = gpu.UtilPct;
                memUsed[row] = gpu.MemUsedMiB;
                memTotal[row] = gpu.MemTotalMiB;
                columns.PowerValid.Write(power, row, gpu.PowerW);
                columns.TempValid.Write(temp, row, gpu.TempC);
                interval[row] = sample.IntervalS;
                columns.Lineage.Append(partitionId, raw);
                row++;
            }
        }
    }

    /// <summary>
    /// The readings as a span, without copying them: the decoder gives an array. Through IReadOnlyList, each reading
    /// would be an interface call (an indexer) or an enumerator allocated per sample, both measurably slower.
    /// </summary>
    private static ReadOnlySpan<GpuReading> Readings(GpuSample sample) => sample.Gpus is GpuReading[] array ? array : sample.Gpus.ToArray();
}
