using Metrics.Contract;
using Metrics.Core.Landing;

namespace Metrics.Core.Ingest;

/// <summary>Accumulates the manifest of one landed file as events are added to it.</summary>
internal sealed class FileManifest(TelemetryStream stream, string schema, string partitionId)
{
    private long _firstSequence = long.MaxValue;
    private long _lastSequence = long.MinValue;
    private DateTimeOffset _minTs = DateTimeOffset.MaxValue;
    private DateTimeOffset _maxTs = DateTimeOffset.MinValue;
    private DateTimeOffset _minEnqueued = DateTimeOffset.MaxValue;
    private DateTimeOffset _maxEnqueued = DateTimeOffset.MinValue;
    private DateTimeOffset? _reachesFrom;

    /// <summary>Recorded in the manifest when the file came from a backfill, which lifted the maximum event age.</summary>
    public bool Backfill { get; init; }

    public int Events { get; private set; }

    public int Rows { get; private set; }

    public long FirstSequence => _firstSequence;

    public long LastSequence => _lastSequence;

    public void Add(RawEvent raw, DateTimeOffset? ts, int rows, DateTimeOffset? reachesFrom = null)
    {
        if (reachesFrom is { } reach)
        {
            _reachesFrom = _reachesFrom is { } earliest ? Min(earliest, reach) : reach;
        }

        Events++;
        Rows += rows;
        _firstSequence = Math.Min(_firstSequence, raw.SequenceNumber);
        _lastSequence = Math.Max(_lastSequence, raw.SequenceNumber);
        _minEnqueued = Min(_minEnqueued, raw.EnqueuedTime);
        _maxEnqueued = Max(_maxEnqueued, raw.EnqueuedTime);
        if (ts is { } t)
        {
            _minTs = Min(_minTs, t);
            _maxTs = Max(_maxTs, t);
        }
    }

    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManifestKeys.Stream] = stream.Name(),
            [ManifestKeys.Schema] = schema,
            [ManifestKeys.Partition] = partitionId,
            [ManifestKeys.Events] = Events.ToString(CultureInfo.InvariantCulture),
            [ManifestKeys.Rows] = Rows.ToString(CultureInfo.InvariantCulture),
            [ManifestKeys.FirstSequence] = _firstSequence.ToString(CultureInfo.InvariantCulture),
            [ManifestKeys.LastSequence] = _lastSequence.ToString(CultureInfo.InvariantCulture),
            [ManifestKeys.MinEnqueued] = Format(_minEnqueued),
            [ManifestKeys.MaxEnqueued] = Format(_maxEnqueued),
        };
        if (Backfill)
        {
            metadata[ManifestKeys.Backfill] = "true";
        }

        if (_minTs <= _maxTs)
        {
            metadata[ManifestKeys.MinTs] = Format(_minTs);
            metadata[ManifestKeys.MaxTs] = Format(_maxTs);
        }

        if (_reachesFrom is { } reachesFrom)
        {
            metadata[ManifestKeys.ReachesFrom] = Format(reachesFrom);
        }

        return metadata;
    }

    private static string Format(DateTimeOffset value) => ManifestKeys.FormatInstant(value);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
