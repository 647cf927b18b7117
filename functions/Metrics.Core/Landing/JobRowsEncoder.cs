using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Landing;

/// <summary>Turns validated job events into one <see cref="JobRowSchema"/> record batch.</summary>
public static class JobRowsEncoder
{
    public static RecordBatch Encode(
        string partitionId,
        IReadOnlyList<(JobEvent Event, RawEvent Raw)> events,
        GpuModelCatalogue? catalogue = null
    ) => Encode(partitionId, events, catalogue ?? GpuModelCatalogue.Empty, ColumnMemory.Unpooled);

    /// <summary>
    /// Encodes into <paramref name="memory"/>, which must outlive every use of the batch. The job's GPU model lands as
    /// the catalogue's canonical id, and as sent in its own column.
    /// </summary>
    internal static RecordBatch Encode(
        string partitionId,
        IReadOnlyList<(JobEvent Event, RawEvent Raw)> events,
        GpuModelCatalogue catalogue,
        ColumnMemory memory
    )
    {
        int rows = events.Count;
        var eventId = new StringArray.Builder().Reserve(rows);
        var cluster = new DictionaryStringColumn(rows, memory);
        var jobId = new StringArray.Builder().Reserve(rows);
        var state = new DictionaryStringColumn(rows, memory);
        var ts = ArrowColumns.TimestampBuilder(rows);
        var institution = new DictionaryStringColumn(rows, memory);
        var account = new DictionaryStringColumn(rows, memory);
        var user = new DictionaryStringColumn(rows, memory);
        var queue = new DictionaryStringColumn(rows, memory);
        var submit = ArrowColumns.TimestampBuilder(rows);
        var start = ArrowColumns.TimestampBuilder(rows);
        var end = ArrowColumns.TimestampBuilder(rows);
        var gpus = new DoubleArray.Builder().Reserve(rows);
        var model = new DictionaryStringColumn(rows, memory);
        var reported = new DictionaryStringColumn(rows, memory);
        var cpus = new Int32Array.Builder().Reserve(rows);
        var mem = new DoubleArray.Builder().Reserve(rows);
        var exit = new DictionaryStringColumn(rows, memory);
        var lineage = new LineageColumnBuilder(rows, memory);

        foreach ((JobEvent job, RawEvent raw) in events)
        {
            eventId.Append(job.EventId);
            cluster.Append(job.Cluster);
            jobId.Append(job.JobId);
            state.Append(job.State.Name());
            ts.Append(job.Ts);
            institution.Append(job.Institution);
            account.Append(job.Account);
            user.Append(job.User);
            queue.Append(job.Queue);
            AppendNullable(submit, job.SubmitTime);
            start.Append(job.StartTime);
            AppendNullable(end, job.EndTime);
            gpus.Append(job.Gpus);
            model.Append(catalogue.Canonical(job.GpuModel));
            reported.Append(job.GpuModel);
            cpus.Append(job.Cpus);
            mem.Append(job.MemGiB);
            exit.Append(job.ExitState);
            lineage.Append(partitionId, raw);
        }

        IArrowArray[] columns =
        [
            eventId.Build(),
            cluster.Build(),
            jobId.Build(),
            state.Build(),
            ts.Build(),
            institution.Build(),
            account.Build(),
            user.Build(),
            queue.Build(),
            submit.Build(),
            start.Build(),
            end.Build(),
            gpus.Build(),
            model.Build(),
            cpus.Build(),
            mem.Build(),
            exit.Build(),
            reported.Build(),
            .. lineage.Build(),
        ];
        return new RecordBatch(JobRowSchema.Schema, columns, rows);
    }

    private static void AppendNullable(TimestampArray.Builder builder, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            builder.Append(v);
        }
        else
        {
            builder.AppendNull();
        }
    }
}
