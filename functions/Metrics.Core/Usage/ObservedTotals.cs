namespace Metrics.Core.Usage;

/// <summary>Observed time per line summed from parts (shards of an hour, its shard files): exact, in any order.</summary>
public static class ObservedTotals
{
    /// <summary>Adds each line of <paramref name="part"/> into <paramref name="totals"/>.</summary>
    public static void Add(Dictionary<UsageKey, ObservedSeconds> totals, IEnumerable<KeyValuePair<UsageKey, ObservedSeconds>> part)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(part);
        foreach ((UsageKey key, ObservedSeconds seconds) in part)
        {
            totals[key] = totals.TryGetValue(key, out ObservedSeconds sum) ? sum + seconds : seconds;
        }
    }
}
