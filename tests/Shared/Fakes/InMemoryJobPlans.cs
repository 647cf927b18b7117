namespace Metrics.Tests.Shared.Fakes;

/// <summary>The job phase's queued work in memory: plans by day, slices done by (day, epoch, slice), each recorded once.</summary>
public sealed class InMemoryJobPlans : IJobPlans
{
    private readonly ConcurrentDictionary<string, JobPlan> _plans = new();
    private readonly ConcurrentDictionary<(string Day, string Epoch, int Slice), int> _done = new();

    public Task<JobPlan?> ReadAsync(string day, CancellationToken cancellationToken) =>
        Task.FromResult(_plans.TryGetValue(day, out JobPlan? plan) ? plan : null);

    public Task WriteAsync(JobPlan plan, CancellationToken cancellationToken)
    {
        _plans[plan.Day] = plan;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<int, int>> ListDoneAsync(string day, string epoch, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<int, int>>(
            _done.Where(d => d.Key.Day == day && d.Key.Epoch == epoch).ToDictionary(d => d.Key.Slice, d => d.Value)
        );

    public Task<bool> DoneAsync(string day, string epoch, int slice, int changed, CancellationToken cancellationToken) =>
        Task.FromResult(_done.TryAdd((day, epoch, slice), changed));

    public Task DeleteAsync(string day, CancellationToken cancellationToken)
    {
        _plans.TryRemove(day, out _);
        foreach (var key in _done.Keys.Where(k => k.Day == day))
        {
            _done.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }
}
