namespace Metrics.Core.Validation;

/// <summary>
/// The rule of importing finance terms that never change once imported (vouchers, allocations): an id already imported
/// with the same terms is left as it is, with other terms it is refused (a change is a new entry, under a new id).
/// </summary>
public static class ImmutableTerms
{
    /// <summary>
    /// The entries of <paramref name="incoming"/> not imported before; throws the refusal of <paramref name="changed"/>,
    /// naming them, if any was imported before with other terms.
    /// </summary>
    public static IReadOnlyList<T> NewOnes<T>(
        IReadOnlyList<T> incoming,
        IReadOnlyDictionary<string, T> existing,
        Func<T, string> id,
        Func<IEnumerable<string>, InvalidOperationException> changed
    )
        where T : IEquatable<T>
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(changed);
        string[] other = incoming.Where(e => existing.TryGetValue(id(e), out T? known) && !known.Equals(e)).Select(id).ToArray();
        return other.Length > 0 ? throw changed(other) : incoming.Where(e => !existing.ContainsKey(id(e))).ToArray();
    }

    /// <summary>The refusal of entries imported before with other terms: what they are, and what to do instead.</summary>
    public static InvalidOperationException Changed(string noun, IEnumerable<string> ids, string instead)
    {
        ArgumentException.ThrowIfNullOrEmpty(noun);
        string article = "aeiou".Contains(noun[0], StringComparison.Ordinal) ? "an" : "a";
        return new($"{noun}(s) {string.Join(", ", ids)} were imported before with other terms; {article} {noun} never changes ({instead})");
    }
}
