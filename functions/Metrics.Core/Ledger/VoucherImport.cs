using Metrics.Core.Validation;

namespace Metrics.Core.Ledger;

/// <summary>The one rule of importing vouchers, whatever stores them: a voucher never changes once imported.</summary>
public static class VoucherImport
{
    /// <summary>
    /// The vouchers of <paramref name="incoming"/> not imported before. Throws <see cref="InvalidOperationException"/>,
    /// naming them, if any was imported before with other terms; ids imported with the same terms are left out.
    /// </summary>
    public static IReadOnlyList<Voucher> NewOnes(IReadOnlyList<Voucher> incoming, IReadOnlyDictionary<string, Voucher> existing)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(existing);
        if (incoming.FirstOrDefault(v => existing.TryGetValue(v.Id, out Voucher? known) && known.Institution != v.Institution) is { } taken)
        {
            throw new InvalidOperationException(
                $"voucher id {taken.Id} is already used by another institution; voucher ids are unique across institutions "
                    + "(issue a new one)"
            );
        }

        return ImmutableTerms.NewOnes(incoming, existing, v => v.Id, Changed);
    }

    /// <summary>The refusal of vouchers imported before with other terms.</summary>
    public static InvalidOperationException Changed(IEnumerable<string> ids) => ImmutableTerms.Changed("voucher", ids, "issue a new one");
}
