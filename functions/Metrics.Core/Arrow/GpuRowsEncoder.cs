using Apache.Arrow;
using Metrics.Core.Ingest;
using Metrics.Core.Telemetry;

namespace Metrics.Core.Arrow;

/// <summary>Turns validated GPU samples into one <see cref="GpuRowSchema"/> record batch.</summary>
public static class GpuRowsEncoder
{
    public static RecordBatch Encode(string partitionId, IReadOnlyList<(GpuSample Sample, RawEvent Raw)> samples)
    {
        int rows = 0;
        foreach ((GpuSample sample, _) in samples)
        {
            rows += sample.Gpus.Count;
        }

        var ts = ArrowColumns.TimestampBuilder(rows);
        var cluster = new DictionaryStringColumn(rows);
        var node = new DictionaryStringColumn(rows);
        var uuid = new StringArray.Builder().Reserve(rows);
        var index = new Int32Array.Builder().Reserve(rows);
        var model = new DictionaryStringColumn(rows);
        var institution = new DictionaryStringColumn(rows);
        var jobId = new DictionaryStringColumn(rows);
        var util = new DoubleArray.Builder().Reserve(rows);
        var memUsed = new Int64Array.Builder().Reserve(rows);
        var memTotal = new Int64Array.Builder().Reserve(rows);
        var power = new DoubleArray.Builder().Reserve(rows);
        var temp = new DoubleArray.Builder().Reserve(rows);
        var interval = new Int32Array.Builder().Reserve(rows);
        var lineage = new LineageColumnBuilder(rows);

        foreach ((GpuSample sample, RawEvent raw) in samples)
        {
            foreach (GpuReading gpu in sample.Gpus)
            {
                ts.Append(sample.Ts);
                cluster.Append(sample.Cluster);
                node.Append(sample.Node);
                uuid.Append(gpu.Uuid);
                index.Append(gpu.Index);
                model.Append(gpu.Model);
                institution.Append(gpu.Institution);
                jobId.Append(gpu.JobId);
                util.Append(gpu.UtilPct);
                memUsed.Append(gpu.MemUsedMiB);
                memTotal.Append(gpu.MemTotalMiB);
                power.Append(gpu.PowerW);
                temp.Append(gpu.TempC);
                interval.Append(sample.IntervalS);
                lineage.Append(partitionId, raw);
            }
        }

        IArrowArray[] columns =
        [
            ts.Build(), cluster.Build(), node.Build(), uuid.Build(), index.Build(), model.Build(), institution.Build(),
            jobId.Build(), util.Build(), memUsed.Build(), memTotal.Build(), power.Build(), temp.Build(), interval.Build(),
            .. lineage.Build(),
        ];
        return new RecordBatch(GpuRowSchema.Schema, columns, rows);
    }
}
