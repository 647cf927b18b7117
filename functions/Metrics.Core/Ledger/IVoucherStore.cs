namespace Metrics.Core.Ledger;

/// <summary>Compute vouchers as imported. A voucher never changes once imported: its balance is derived from the statements.</summary>
public interface IVoucherStore
{
    /// <summary>Every voucher, or one institution's.</summary>
    Task<IReadOnlyList<Voucher>> ListAsync(string? institution, CancellationToken cancellationToken);

    /// <summary>
    /// Imports vouchers: new ids are added, ids already imported with the same terms are left as they are, and ids already
    /// imported with other terms are refused (an <see cref="InvalidOperationException"/> naming them; nothing is written).
    /// Returns how many were added.
    /// </summary>
    Task<int> ImportAsync(IReadOnlyList<Voucher> vouchers, CancellationToken cancellationToken);
}
