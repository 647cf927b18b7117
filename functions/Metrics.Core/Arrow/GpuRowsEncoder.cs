using Apache.Arrow;
using Metrics.Core.Ingest;
using Metrics.Core.Telemetry;

namespace Metrics.Core.Arrow;

/// <summary>Turns validated GPU samples into one <see cref="GpuRowSchema"/> record batch, filling each column in one pass.</summary>
public static class GpuRowsEncoder
{
    public static RecordBatch Encode(string partitionId, IReadOnlyList<(GpuSample Sample, RawEvent Raw)> samples)
    {
        int rows = 0;
        foreach ((GpuSample sample, _) in samples)
        {
            rows += sample.Gpus.Count;
        }

        var ts = new long[rows];
        var cluster = new DictionaryStringColumn(rows);
        var node = new DictionaryStringColumn(rows);
        var uuid = new StringArray.Builder().Reserve(rows);
        var index = new int[rows];
        var model = new DictionaryStringColumn(rows);
        var institution = new DictionaryStringColumn(rows);
        var jobId = new DictionaryStringColumn(rows);
        var util = new double[rows];
        var memUsed = new long[rows];
        var memTotal = new long[rows];
        var power = new double[rows];
        var powerValid = new ColumnArrays.Validity(rows);
        var temp = new double[rows];
        var tempValid = new ColumnArrays.Validity(rows);
        var interval = new int[rows];
        var lineage = new LineageColumnBuilder(rows);

        int row = 0;
        foreach ((GpuSample sample, RawEvent raw) in samples)
        {
            long micros = ColumnArrays.Micros(sample.Ts);
            foreach (GpuReading gpu in sample.Gpus)
            {
                ts[row] = micros;
                cluster.Append(sample.Cluster);
                node.Append(sample.Node);
                uuid.Append(gpu.Uuid);
                index[row] = gpu.Index;
                model.Append(gpu.Model);
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
            ColumnArrays.Timestamps(ts), cluster.Build(), node.Build(), uuid.Build(), ColumnArrays.Int32(index), model.Build(),
            institution.Build(), jobId.Build(), ColumnArrays.Double(util), ColumnArrays.Int64(memUsed), ColumnArrays.Int64(memTotal),
            ColumnArrays.Double(power, powerValid), ColumnArrays.Double(temp, tempValid), ColumnArrays.Int32(interval),
            .. lineage.Build(),
        ];
        return new RecordBatch(GpuRowSchema.Schema, columns, rows);
    }
}
