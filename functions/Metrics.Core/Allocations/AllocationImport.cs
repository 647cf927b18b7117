namespace Metrics.Core.Allocations;

/// <summary>The one rule of importing allocations, whatever stores them: an allocation's terms never change.</summary>
public static class AllocationImport
{
    /// <summary>
    /// The allocations of <paramref name="incoming"/> not imported before. Throws <see cref="InvalidOperationException"/>,
    /// naming them, if any was imported before with other terms; ids imported with the same terms are left out.
    /// </summary>
    public static IReadOnlyList<Allocation> NewOnes(IReadOnlyList<Allocation> incoming, IReadOnlyDictionary<string, Allocation> existing)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(existing);
        string[] changed = incoming.Where(a => existing.TryGetValue(a.Id, out Allocation? known) && known != a).Select(a => a.Id).ToArray();
        return changed.Length > 0 ? throw Changed(changed) : incoming.Where(a => !existing.ContainsKey(a.Id)).ToArray();
    }

    /// <summary>The refusal of allocations imported before with other terms.</summary>
    public static InvalidOperationException Changed(IEnumerable<string> ids) =>
        new(
            $"allocation(s) {string.Join(", ", ids)} were imported before with other terms; an allocation never changes "
                + "(import the change as a new allocation)"
        );
}
