using Metrics.Core.Scan;
using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// An hour's queued recompute as planned: its <see cref="Epoch"/> (which names its units and their results, so a unit
/// of an older plan changes nothing of this one's), how many shards it was cut into, when, and the hour's marks as they
/// were then: the hour is written from this plan's shards, and those marks are cleared only if still unchanged.
/// </summary>
public sealed record HourPlan(DateTimeOffset Hour, string Epoch, int Shards, DateTimeOffset PlannedAt, IReadOnlyList<WorkMark> Marks)
{
    /// <summary>A fresh epoch: 12 lower-case hex digits, unique per plan.</summary>
    public static string NewEpoch() => Guid.NewGuid().ToString("N")[..12];

    public static bool IsEpoch(string text) => text is { Length: 12 } && text.All(char.IsAsciiHexDigitLower);

    /// <summary>The plan's units, or those of <paramref name="shards"/> only.</summary>
    public IReadOnlyList<HourShardUnit> Units(IEnumerable<int>? shards = null) =>
        (shards ?? Enumerable.Range(0, Shards)).Select(s => new HourShardUnit(Hour, Epoch, new HourShard(s, Shards))).ToArray();
}
