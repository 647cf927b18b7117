using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Contract;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Landing;

/// <summary>
/// Reads landed Arrow files back into the records billing works on: job events (GPU samples are scanned column by column,
/// <see cref="Metrics.Core.Scan.ObservedHour"/>).
/// </summary>
public static class LandedRowReader
{
    public static async Task<IReadOnlyList<JobEvent>> ReadJobEventsAsync(Stream stream, CancellationToken cancellationToken)
    {
        var rows = new List<JobEvent>();
        await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            // Look each column up once per batch, not once per cell.
            IArrowArray state = Column(batch, JobRowSchema.Columns.State),
                eventId = Column(batch, JobRowSchema.Columns.EventId),
                cluster = Column(batch, JobRowSchema.Columns.Cluster),
                jobId = Column(batch, JobRowSchema.Columns.JobId),
                ts = Column(batch, JobRowSchema.Columns.Ts),
                institution = Column(batch, JobRowSchema.Columns.Institution),
                account = Column(batch, JobRowSchema.Columns.Account),
                user = Column(batch, JobRowSchema.Columns.User),
                queue = Column(batch, JobRowSchema.Columns.Queue),
                submit = Column(batch, JobRowSchema.Columns.SubmitTime),
                start = Column(batch, JobRowSchema.Columns.StartTime),
                end = Column(batch, JobRowSchema.Columns.EndTime),
                gpus = Column(batch, JobRowSchema.Columns.Gpus),
                model = Column(batch, JobRowSchema.Columns.GpuModel),
                cpus = Column(batch, JobRowSchema.Columns.Cpus),
                mem = Column(batch, JobRowSchema.Columns.MemGib),
                exit = Column(batch, JobRowSchema.Columns.ExitState);
            for (int i = 0; i < batch.Length; i++)
            {
                JobStates.TryParse(ArrowValues.String(state, i), out JobState parsedState);
                rows.Add(
                    new JobEvent
                    {
                        EventId = ArrowValues.RequiredString(eventId, i),
                        Cluster = ArrowValues.RequiredString(cluster, i),
                        JobId = ArrowValues.RequiredString(jobId, i),
                        State = parsedState,
                        Ts = ArrowValues.RequiredTimestamp(ts, i),
                        Institution = ArrowValues.RequiredString(institution, i),
                        Account = ArrowValues.String(account, i),
                        User = ArrowValues.String(user, i),
                        Queue = ArrowValues.String(queue, i),
                        SubmitTime = ArrowValues.Timestamp(submit, i),
                        StartTime = ArrowValues.RequiredTimestamp(start, i),
                        EndTime = ArrowValues.Timestamp(end, i),
                        Gpus = ArrowValues.Double(gpus, i) ?? 0,
                        GpuModel = ArrowValues.RequiredString(model, i),
                        Cpus = ArrowValues.Int32(cpus, i),
                        MemGiB = ArrowValues.Double(mem, i),
                        ExitState = ArrowValues.String(exit, i),
                    }
                );
            }
        }

        return rows;
    }

    /// <summary>A landed batch's column by name; a missing one is damaged data, not a default.</summary>
    internal static IArrowArray Column(RecordBatch batch, string name)
    {
        int index = batch.Schema.GetFieldIndex(name);
        return index >= 0 ? batch.Column(index) : throw new InvalidDataException($"Landed file has no column '{name}'.");
    }
}
