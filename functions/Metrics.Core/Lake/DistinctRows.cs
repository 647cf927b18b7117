using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Landing;

namespace Metrics.Core.Lake;

/// <summary>
/// Keeps one row per distinct GPU sample (<c>gpu_uuid</c>, <c>ts</c>) or job event (<c>event_id</c>), as billing counts
/// them. Fed a compacted hour's batches in file order: GPU rows come sorted by (uuid, ts, partition, sequence), so a
/// sample's copies are adjacent and the first kept is the one of lowest (partition, sequence), the copy billing keeps;
/// job events are kept at their first sight.
/// </summary>
internal sealed class DistinctRows(TelemetryStream stream)
{
    private readonly HashSet<string> _events = new(StringComparer.Ordinal);
    private byte[] _lastUuid = [];
    private long _lastTs = long.MinValue;

    /// <summary>Job events only: keep only the events stamped in this UTC hour (null: every hour).</summary>
    public DateTimeOffset? EventHour { get; init; }

    /// <summary>The UTC hour of a landed timestamp (microseconds since the epoch).</summary>
    public static DateTimeOffset HourOf(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros / 3_600_000_000L * 3_600_000_000L * 10);

    /// <summary>The kept rows of <paramref name="batch"/> as runs of (offset, length).</summary>
    public List<(int Offset, int Length)> Runs(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var runs = new List<(int, int)>();
        int start = -1;
        StringArray keys = (StringArray)
            batch.Column(stream == TelemetryStream.Gpu ? GpuRowSchema.Columns.GpuUuid : JobRowSchema.Columns.EventId);
        ReadOnlySpan<long> ts = (
            (TimestampArray)batch.Column(stream == TelemetryStream.Gpu ? GpuRowSchema.Columns.Ts : JobRowSchema.Columns.Ts)
        ).Values;
        for (int row = 0; row < batch.Length; row++)
        {
            bool keep = stream == TelemetryStream.Gpu ? KeepSample(keys.GetBytes(row), ts[row]) : KeepEvent(keys, row, ts[row]);
            if (keep && start < 0)
            {
                start = row;
            }
            else if (!keep && start >= 0)
            {
                runs.Add((start, row - start));
                start = -1;
            }
        }

        if (start >= 0)
        {
            runs.Add((start, batch.Length - start));
        }

        return runs;
    }

    private bool KeepEvent(StringArray ids, int row, long ts) =>
        (EventHour is not { } hour || HourOf(ts) == hour) && _events.Add(ids.GetString(row));

    private bool KeepSample(ReadOnlySpan<byte> uuid, long ts)
    {
        if (ts == _lastTs && uuid.SequenceEqual(_lastUuid))
        {
            return false;
        }

        if (!uuid.SequenceEqual(_lastUuid))
        {
            _lastUuid = uuid.ToArray();
        }

        _lastTs = ts;
        return true;
    }
}
