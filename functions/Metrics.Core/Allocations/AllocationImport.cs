using Metrics.Core.Validation;

namespace Metrics.Core.Allocations;

/// <summary>The one rule of importing allocations, whatever stores them: an allocation's terms never change.</summary>
public static class AllocationImport
{
    /// <summary>
    /// The allocations of <paramref name="incoming"/> not imported before. Throws <see cref="InvalidOperationException"/>,
    /// naming them, if any was imported before with other terms; ids imported with the same terms are left out.
    /// </summary>
    public static IReadOnlyList<Allocation> NewOnes(IReadOnlyList<Allocation> incoming, IReadOnlyDictionary<string, Allocation> existing) =>
        ImmutableTerms.NewOnes(incoming, existing, a => a.Id, Changed);

    /// <summary>The refusal of allocations imported before with other terms.</summary>
    public static InvalidOperationException Changed(IEnumerable<string> ids) =>
        ImmutableTerms.Changed("allocation", ids, "import the change as a new allocation");
}
