using Metrics.Core.Usage;

namespace Metrics.Core.Rollup;

/// <summary>
/// Where the rollup's queued units leave their work (blobs in production and on Azurite): each hour's current plan,
/// and each unit's observed time per line. A unit's result is written once: a retry or a duplicate of a unit that
/// finished writes nothing.
/// </summary>
public interface IHourShardResults
{
    /// <summary>The hour's current plan; null if none is under way.</summary>
    Task<HourPlan?> ReadPlanAsync(DateTimeOffset hour, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="plan"/> the hour's current plan, replacing any other (the rollup's lease holder only).</summary>
    Task WritePlanAsync(HourPlan plan, CancellationToken cancellationToken);

    /// <summary>Which shards of the epoch have their result written.</summary>
    Task<IReadOnlySet<int>> ListDoneAsync(DateTimeOffset hour, string epoch, CancellationToken cancellationToken);

    /// <summary>Writes a unit's result unless one is there; false if it was.</summary>
    Task<bool> WriteAsync(HourShardUnit unit, IReadOnlyDictionary<UsageKey, ObservedSeconds> observed, CancellationToken cancellationToken);

    /// <summary>The results of the epoch's shards that are written, by shard.</summary>
    Task<IReadOnlyDictionary<int, IReadOnlyDictionary<UsageKey, ObservedSeconds>>> ReadAsync(
        DateTimeOffset hour,
        string epoch,
        CancellationToken cancellationToken
    );

    /// <summary>Deletes the hour's plan and every result of it, of any epoch.</summary>
    Task DeleteHourAsync(DateTimeOffset hour, CancellationToken cancellationToken);
}
