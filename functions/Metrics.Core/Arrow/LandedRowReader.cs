using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Core.Billing;
using Metrics.Core.Telemetry;

namespace Metrics.Core.Arrow;

/// <summary>Reads landed Arrow files back into the records billing works on.</summary>
public static class LandedRowReader
{
    public static async Task<IReadOnlyList<GpuSampleRow>> ReadGpuSamplesAsync(Stream stream, CancellationToken cancellationToken)
    {
        var rows = new List<GpuSampleRow>();
        using ArrowFileReader reader = ArrowIpc.OpenFile(stream);
        while (await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            using (batch)
            {
                IArrowArray ts = Column(batch, "ts"), uuid = Column(batch, "gpu_uuid"), model = Column(batch, "gpu_model"),
                    institution = Column(batch, "institution"), util = Column(batch, "util_pct"), interval = Column(batch, "interval_s"),
                    partition = Column(batch, LineageColumns.Partition), sequence = Column(batch, LineageColumns.Sequence);
                for (int i = 0; i < batch.Length; i++)
                {
                    rows.Add(new GpuSampleRow(
                        ArrowValues.RequiredTimestamp(ts, i),
                        ArrowValues.RequiredString(uuid, i),
                        ArrowValues.RequiredString(model, i),
                        ArrowValues.String(institution, i),
                        ArrowValues.Double(util, i) ?? 0,
                        ArrowValues.Int32(interval, i) ?? 0,
                        ArrowValues.RequiredString(partition, i),
                        ArrowValues.Int64(sequence, i) ?? 0));
                }
            }
        }

        return rows;
    }

    public static async Task<IReadOnlyList<JobEvent>> ReadJobEventsAsync(Stream stream, CancellationToken cancellationToken)
    {
        var rows = new List<JobEvent>();
        using ArrowFileReader reader = ArrowIpc.OpenFile(stream);
        while (await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            using (batch)
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    JobStates.TryParse(ArrowValues.String(Column(batch, "state"), i), out JobState state);
                    rows.Add(new JobEvent
                    {
                        EventId = ArrowValues.RequiredString(Column(batch, "event_id"), i),
                        Cluster = ArrowValues.RequiredString(Column(batch, "cluster"), i),
                        JobId = ArrowValues.RequiredString(Column(batch, "job_id"), i),
                        State = state,
                        Ts = ArrowValues.RequiredTimestamp(Column(batch, "ts"), i),
                        Institution = ArrowValues.RequiredString(Column(batch, "institution"), i),
                        Account = ArrowValues.String(Column(batch, "account"), i),
                        User = ArrowValues.String(Column(batch, "user"), i),
                        Queue = ArrowValues.String(Column(batch, "queue"), i),
                        SubmitTime = ArrowValues.Timestamp(Column(batch, "submit_time"), i),
                        StartTime = ArrowValues.RequiredTimestamp(Column(batch, "start_time"), i),
                        EndTime = ArrowValues.Timestamp(Column(batch, "end_time"), i),
                        Gpus = ArrowValues.Double(Column(batch, "gpus"), i) ?? 0,
                        GpuModel = ArrowValues.RequiredString(Column(batch, "gpu_model"), i),
                        Cpus = ArrowValues.Int32(Column(batch, "cpus"), i),
                        MemGiB = ArrowValues.Double(Column(batch, "mem_gib"), i),
                        ExitState = ArrowValues.String(Column(batch, "exit_state"), i),
                    });
                }
            }
        }

        return rows;
    }

    private static IArrowArray Column(RecordBatch batch, string name)
    {
        int index = batch.Schema.GetFieldIndex(name);
        return index >= 0 ? batch.Column(index) : throw new InvalidDataException($"Landed file has no column '{name}'.");
    }
}
