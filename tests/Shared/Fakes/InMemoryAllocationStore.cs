using Metrics.Core.Allocations;

namespace Metrics.Tests.Shared.Fakes;

public sealed class InMemoryAllocationStore : IAllocationStore
{
    public ConcurrentDictionary<string, Allocation> Allocations { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<Allocation>> ListAsync(string? institution, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Allocation>>(
            Allocations.Values.Where(a => institution is null || a.Institution == institution).ToArray()
        );

    public Task<int> ImportAsync(IReadOnlyList<Allocation> allocations, CancellationToken cancellationToken)
    {
        IReadOnlyList<Allocation> added = AllocationImport.NewOnes(allocations, Allocations);
        return Task.FromResult(added.Count(a => Allocations.TryAdd(a.Id, a)));
    }
}
