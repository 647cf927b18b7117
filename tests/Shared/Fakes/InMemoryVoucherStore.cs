using Metrics.Core.Ledger;

namespace Metrics.Tests.Shared.Fakes;

public sealed class InMemoryVoucherStore : IVoucherStore
{
    public ConcurrentDictionary<string, Voucher> Vouchers { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<Voucher>> ListAsync(string? institution, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Voucher>>(Vouchers.Values.Where(v => institution is null || v.Institution == institution).ToArray());

    public Task<int> ImportAsync(IReadOnlyList<Voucher> vouchers, CancellationToken cancellationToken)
    {
        IReadOnlyList<Voucher> added = VoucherImport.NewOnes(vouchers, Vouchers);
        return Task.FromResult(added.Count(v => Vouchers.TryAdd(v.Id, v)));
    }
}
