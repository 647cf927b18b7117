namespace Metrics.Core.Allocations;

/// <summary>Allocations as imported. An allocation never changes once imported: a change is a new allocation.</summary>
public interface IAllocationStore
{
    /// <summary>Every allocation, or one institution's, by id.</summary>
    Task<IReadOnlyList<Allocation>> ListAsync(string? institution, CancellationToken cancellationToken);

    /// <summary>
    /// Imports allocations: new ids are added, ids already imported with the same terms are left as they are, and ids
    /// imported with other terms are refused (an <see cref="InvalidOperationException"/> naming them; nothing is
    /// written when the refusal is known before writing). Returns how many were added.
    /// </summary>
    Task<int> ImportAsync(IReadOnlyList<Allocation> allocations, CancellationToken cancellationToken);
}
