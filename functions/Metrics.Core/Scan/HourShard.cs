namespace Metrics.Core.Scan;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Of"/> of an hour's GPUs, by uuid hash (<see cref="ObservedHour.ShardOf"/>):
/// every copy of a sample falls in one shard, so shards are read alone and their totals add up to the hour's.
/// </summary>
public readonly record struct HourShard
{
    public HourShard(int index, int of)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(of, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, of);
        Index = index;
        Of = of;
    }

    public int Index { get; }

    public int Of { get; }
}
