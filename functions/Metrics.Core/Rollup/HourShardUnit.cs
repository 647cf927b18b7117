using Metrics.Core.Scan;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// One queued unit of the rollup: shard <see cref="Shard"/> of UTC hour <see cref="Hour"/>'s GPU samples, for the
/// hour's plan <see cref="Epoch"/>. On the queue it is a <see cref="WorkUnit"/> of kind <c>usage</c> whose key is
/// <c>{yyyyMMddHH}.{epoch}.{shard}.{shards}</c>, e.g. <c>2026103115.3f9c2a7d01be.4.11</c>.
/// </summary>
public sealed record HourShardUnit(DateTimeOffset Hour, string Epoch, HourShard Shard)
{
    public WorkUnit ToWorkUnit() =>
        new(MarkKind.Usage, string.Create(CultureInfo.InvariantCulture, $"{UtcHours.Key(Hour)}.{Epoch}.{Shard.Index}.{Shard.Of}"));

    /// <summary>The unit a queued message names; <see cref="FormatException"/> if it names no hour shard.</summary>
    public static HourShardUnit Parse(WorkUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        string[] parts = unit.Key.Split('.');
        if (
            unit.Kind != MarkKind.Usage
            || parts.Length != 4
            || !UtcHours.TryParseKey(parts[0], out DateTimeOffset hour)
            || !HourPlan.IsEpoch(parts[1])
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int of)
            || of < 1
            || index >= of
        )
        {
            throw new FormatException($"'{unit}' is not a rollup unit (usage yyyyMMddHH.epoch.shard.shards)");
        }

        return new HourShardUnit(hour, parts[1], new HourShard(index, of));
    }

    public override string ToString() => ToWorkUnit().ToString();
}
