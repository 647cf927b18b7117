namespace Metrics.Tests.Shared.Fakes;

public sealed class InMemoryUnitFailures : IUnitFailures
{
    public ConcurrentDictionary<WorkUnit, FailedUnit> Failed { get; } = new();

    public Task RecordAsync(FailedUnit failed, CancellationToken cancellationToken)
    {
        Failed[new WorkUnit(failed.Failure.Kind, failed.Failure.Key)] = failed;
        return Task.CompletedTask;
    }

    public Task ClearAsync(WorkUnit unit, CancellationToken cancellationToken)
    {
        Failed.TryRemove(unit, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FailedUnit>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FailedUnit>>(Failed.Values.OrderBy(f => f.At).ToArray());
}
