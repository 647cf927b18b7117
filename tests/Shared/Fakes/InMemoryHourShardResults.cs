namespace Metrics.Tests.Shared.Fakes;

/// <summary>The rollup's queued work in memory: plans by hour, results by (hour, epoch, shard), each result written once.</summary>
public sealed class InMemoryHourShardResults : IHourShardResults
{
    private readonly ConcurrentDictionary<DateTimeOffset, HourPlan> _plans = new();
    private readonly ConcurrentDictionary<
        (DateTimeOffset Hour, string Epoch, int Shard),
        IReadOnlyDictionary<UsageKey, ObservedSeconds>
    > _results = new();

    /// <summary>How many results were written (a duplicate that found one written does not count).</summary>
    public int Written => _written;

    private int _written;

    public IReadOnlyCollection<(DateTimeOffset Hour, string Epoch, int Shard)> Results => _results.Keys.ToArray();

    public Task<HourPlan?> ReadPlanAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        Task.FromResult(_plans.TryGetValue(hour, out HourPlan? plan) ? plan : null);

    public Task WritePlanAsync(HourPlan plan, CancellationToken cancellationToken)
    {
        _plans[plan.Hour] = plan;
        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<int>> ListDoneAsync(DateTimeOffset hour, string epoch, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<int>>(_results.Keys.Where(k => k.Hour == hour && k.Epoch == epoch).Select(k => k.Shard).ToHashSet());

    public Task<bool> WriteAsync(
        HourShardUnit unit,
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed,
        CancellationToken cancellationToken
    )
    {
        bool added = _results.TryAdd((unit.Hour, unit.Epoch, unit.Shard.Index), new Dictionary<UsageKey, ObservedSeconds>(observed));
        if (added)
        {
            Interlocked.Increment(ref _written);
        }

        return Task.FromResult(added);
    }

    public Task<IReadOnlyDictionary<int, IReadOnlyDictionary<UsageKey, ObservedSeconds>>> ReadAsync(
        DateTimeOffset hour,
        string epoch,
        CancellationToken cancellationToken
    ) =>
        Task.FromResult<IReadOnlyDictionary<int, IReadOnlyDictionary<UsageKey, ObservedSeconds>>>(
            _results.Where(r => r.Key.Hour == hour && r.Key.Epoch == epoch).ToDictionary(r => r.Key.Shard, r => r.Value)
        );

    public Task DeleteHourAsync(DateTimeOffset hour, CancellationToken cancellationToken)
    {
        _plans.TryRemove(hour, out _);
        foreach (var key in _results.Keys.Where(k => k.Hour == hour))
        {
            _results.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }
}
