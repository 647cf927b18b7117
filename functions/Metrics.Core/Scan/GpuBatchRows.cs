using Apache.Arrow;
using Metrics.Core.Landing;
using Metrics.Core.Usage;

namespace Metrics.Core.Scan;

/// <summary>
/// One landed record batch's columns as the scan reads them: spans taken once per batch, and each dictionary entry
/// resolved once per batch (to a partition id, and (institution, model, cluster, job) to a line), not once per row.
/// </summary>
internal ref struct GpuBatchRows
{
    private const long TicksPerMicrosecond = 10;

    public ReadOnlySpan<int> Interval;
    public ReadOnlySpan<double> Util;
    public ReadOnlySpan<long> Sequence;
    private readonly ObservedHour _hour;
    private readonly ReadOnlySpan<long> _ts;
    private readonly ReadOnlySpan<int> _uuidOffsets;
    private readonly ReadOnlySpan<byte> _uuidBytes;
    private readonly DictionaryColumn _institutions;
    private readonly DictionaryColumn _models;
    private readonly DictionaryColumn _partitions;
    private readonly DictionaryColumn _clusters;
    private readonly DictionaryColumn _jobs;
    private readonly bool _byAccount;
    private readonly string?[] _institutionNames;
    private readonly string?[] _modelNames;
    private string?[]? _clusterNames;
    private string?[]? _jobNames;
    private readonly Dictionary<(int Institution, int Model, int Cluster, int Job), int> _lineOf = [];
    private int[]? _partitionIds;
    private string?[]? _partitionNames;
    private (int Institution, int Model, int Cluster, int Job, int Line) _last = (-1, -1, -1, -1, -1);

    public GpuBatchRows(RecordBatch batch, ObservedHour hour)
    {
        _hour = hour;
        var uuids = (StringArray)LandedRowReader.Column(batch, GpuRowSchema.Columns.GpuUuid);
        if (uuids.NullCount > 0)
        {
            throw new InvalidDataException("A landed GPU row has no gpu_uuid.");
        }

        _ts = ((TimestampArray)LandedRowReader.Column(batch, GpuRowSchema.Columns.Ts)).Values;
        Interval = ((Int32Array)LandedRowReader.Column(batch, GpuRowSchema.Columns.IntervalS)).Values;
        Util = ((DoubleArray)LandedRowReader.Column(batch, GpuRowSchema.Columns.UtilPct)).Values;
        Sequence = ((Int64Array)LandedRowReader.Column(batch, LineageColumns.Sequence)).Values;
        _uuidOffsets = uuids.ValueOffsets;
        _uuidBytes = uuids.ValueBuffer.Span;
        _institutions = new DictionaryColumn(LandedRowReader.Column(batch, GpuRowSchema.Columns.Institution));
        _models = new DictionaryColumn(LandedRowReader.Column(batch, GpuRowSchema.Columns.GpuModel));
        _partitions = new DictionaryColumn(LandedRowReader.Column(batch, LineageColumns.Partition));
        _institutionNames = _institutions.Values();
        _modelNames = _models.Values();

        // Without jobs in the hour every sample's account is empty: the job columns are not even looked at.
        _byAccount = !hour.Accounts.IsEmpty;
        _clusters = _byAccount ? new DictionaryColumn(LandedRowReader.Column(batch, GpuRowSchema.Columns.Cluster)) : default;
        _jobs = _byAccount ? new DictionaryColumn(LandedRowReader.Column(batch, GpuRowSchema.Columns.JobId)) : default;
    }

    public readonly long Ticks(int row) => DateTimeOffset.UnixEpoch.UtcTicks + (_ts[row] * TicksPerMicrosecond);

    public readonly ReadOnlySpan<byte> Uuid(int row) => _uuidBytes[_uuidOffsets[row].._uuidOffsets[row + 1]];

    public int PartitionId(int row) => (_partitionIds ??= _partitions.Map(_hour.PartitionId))[_partitions.IndexAt(row)];

    /// <summary>The row's partition id as landed (a string of the batch's dictionary: no allocation per row).</summary>
    public string PartitionName(int row) =>
        (_partitionNames ??= _partitions.Values())[_partitions.IndexAt(row)]
        ?? throw new InvalidDataException("A landed GPU row has no eh_partition.");

    /// <summary>The row's line id, or -1 for a GPU no job's institution holds.</summary>
    public int LineAt(int row)
    {
        int institution = _institutions.IndexAt(row),
            model = _models.IndexAt(row);
        int cluster = _byAccount ? _clusters.IndexAt(row) : -1,
            job = _byAccount ? _jobs.IndexAt(row) : -1;
        if (institution == _last.Institution && model == _last.Model && job == _last.Job && cluster == _last.Cluster)
        {
            // A node's GPUs are consecutive rows and usually run one job: the line of the row before.
            return _last.Line;
        }

        if (institution < 0 || _institutionNames[institution] is not { } name)
        {
            return -1;
        }

        if (!_lineOf.TryGetValue((institution, model, cluster, job), out int line))
        {
            string account = _byAccount
                ? _hour.Accounts.Of(
                    cluster < 0 ? null : (_clusterNames ??= _clusters.Values())[cluster],
                    job < 0 ? null : (_jobNames ??= _jobs.Values())[job],
                    name
                )
                : string.Empty;
            line = _hour.LineId(
                new UsageKey(name, _modelNames[model] ?? throw new InvalidDataException("A landed GPU row has no gpu_model."), account)
            );
            _lineOf[(institution, model, cluster, job)] = line;
        }

        _last = (institution, model, cluster, job, line);
        return line;
    }
}
