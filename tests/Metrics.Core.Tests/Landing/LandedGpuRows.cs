using Apache.Arrow;
using Metrics.Core.Landing;

namespace Metrics.Core.Tests.Landing;

/// <summary>
/// A landed GPU file read back row by row into records: the tests' plain view of what landed, where billing scans the
/// columns (<see cref="Metrics.Core.Scan.ObservedHour"/>).
/// </summary>
internal static class LandedGpuRows
{
    public static async Task<IReadOnlyList<GpuSampleRow>> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var rows = new List<GpuSampleRow>();
        await foreach (RecordBatch batch in Metrics.Core.Landing.ArrowIpc.ReadBatchesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            IArrowArray ts = LandedRowReader.Column(batch, GpuRowSchema.Columns.Ts),
                uuid = LandedRowReader.Column(batch, GpuRowSchema.Columns.GpuUuid),
                model = LandedRowReader.Column(batch, GpuRowSchema.Columns.GpuModel),
                institution = LandedRowReader.Column(batch, GpuRowSchema.Columns.Institution),
                util = LandedRowReader.Column(batch, GpuRowSchema.Columns.UtilPct),
                interval = LandedRowReader.Column(batch, GpuRowSchema.Columns.IntervalS),
                partition = LandedRowReader.Column(batch, LineageColumns.Partition),
                sequence = LandedRowReader.Column(batch, LineageColumns.Sequence);
            for (int i = 0; i < batch.Length; i++)
            {
                rows.Add(
                    new GpuSampleRow(
                        ArrowValues.RequiredTimestamp(ts, i),
                        ArrowValues.RequiredString(uuid, i),
                        ArrowValues.RequiredString(model, i),
                        ArrowValues.String(institution, i),
                        ArrowValues.Double(util, i) ?? 0,
                        ArrowValues.Int32(interval, i) ?? 0,
                        ArrowValues.RequiredString(partition, i),
                        ArrowValues.Int64(sequence, i) ?? 0
                    )
                );
            }
        }

        return rows;
    }
}
