using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Landing;

/// <summary>
/// The <see cref="JobRowSchema"/> columns of one batch, sized for its rows up front, one event appended at a time;
/// <see cref="Build"/> gives them in the schema's order.
/// </summary>
internal sealed class JobRowColumns(int rows, ColumnMemory memory)
{
    private readonly StringArray.Builder _eventId = new StringArray.Builder().Reserve(rows);
    private readonly DictionaryStringColumn _cluster = new(rows, memory);
    private readonly StringArray.Builder _jobId = new StringArray.Builder().Reserve(rows);
    private readonly DictionaryStringColumn _state = new(rows, memory);
    private readonly TimestampArray.Builder _ts = ArrowColumns.TimestampBuilder(rows);
    private readonly DictionaryStringColumn _institution = new(rows, memory);
    private readonly DictionaryStringColumn _account = new(rows, memory);
    private readonly DictionaryStringColumn _user = new(rows, memory);
    private readonly DictionaryStringColumn _queue = new(rows, memory);
    private readonly TimestampArray.Builder _submit = ArrowColumns.TimestampBuilder(rows);
    private readonly TimestampArray.Builder _start = ArrowColumns.TimestampBuilder(rows);
    private readonly TimestampArray.Builder _end = ArrowColumns.TimestampBuilder(rows);
    private readonly DoubleArray.Builder _gpus = new DoubleArray.Builder().Reserve(rows);
    private readonly DictionaryStringColumn _model = new(rows, memory);
    private readonly DictionaryStringColumn _reported = new(rows, memory);
    private readonly Int32Array.Builder _cpus = new Int32Array.Builder().Reserve(rows);
    private readonly DoubleArray.Builder _mem = new DoubleArray.Builder().Reserve(rows);
    private readonly DictionaryStringColumn _exit = new(rows, memory);
    private readonly LineageColumnBuilder _lineage = new(rows, memory);

    /// <summary>One event's row; its GPU model lands as the catalogue's canonical id and, in its own column, as sent.</summary>
    public void Append(JobEvent job, RawEvent raw, string partitionId, GpuModelCatalogue catalogue)
    {
        _eventId.Append(job.EventId);
        _cluster.Append(job.Cluster);
        _jobId.Append(job.JobId);
        _state.Append(job.State.Name());
        _ts.Append(job.Ts);
        _institution.Append(job.Institution);
        _account.Append(job.Account);
        _user.Append(job.User);
        _queue.Append(job.Queue);
        AppendNullable(_submit, job.SubmitTime);
        _start.Append(job.StartTime);
        AppendNullable(_end, job.EndTime);
        _gpus.Append(job.Gpus);
        _model.Append(catalogue.Canonical(job.GpuModel));
        _reported.Append(job.GpuModel);
        _cpus.Append(job.Cpus);
        _mem.Append(job.MemGiB);
        _exit.Append(job.ExitState);
        _lineage.Append(partitionId, raw);
    }

    public IArrowArray[] Build() =>
        [
            _eventId.Build(),
            _cluster.Build(),
            _jobId.Build(),
            _state.Build(),
            _ts.Build(),
            _institution.Build(),
            _account.Build(),
            _user.Build(),
            _queue.Build(),
            _submit.Build(),
            _start.Build(),
            _end.Build(),
            _gpus.Build(),
            _model.Build(),
            _cpus.Build(),
            _mem.Build(),
            _exit.Build(),
            _reported.Build(),
            .. _lineage.Build(),
        ];

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
