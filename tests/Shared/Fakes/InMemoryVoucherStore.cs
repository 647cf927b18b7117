using System.Collections.Concurrent;
using Metrics.Core.Ports;
using Metrics.Core.Vouchers;

namespace Metrics.Tests.Shared.Fakes;

public sealed class InMemoryVoucherStore : IVoucherStore
{
    public ConcurrentDictionary<string, Voucher> Vouchers { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<Voucher>> ListAsync(string? institution, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Voucher>>(Vouchers.Values.Where(v => institution is null || v.Institution == institution).ToArray());

    public Task<int> ImportAsync(IReadOnlyList<Voucher> vouchers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vouchers);
        string[] changed = vouchers.Where(v => Vouchers.TryGetValue(v.Id, out Voucher? known) && known != v).Select(v => v.Id).ToArray();
        if (changed.Length > 0)
        {
            throw new InvalidOperationException($"voucher(s) {string.Join(", ", changed)} were imported before with other terms");
        }

        return Task.FromResult(vouchers.Count(v => Vouchers.TryAdd(v.Id, v)));
    }
}
