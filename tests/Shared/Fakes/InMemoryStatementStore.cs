using System.Collections.Concurrent;
using Metrics.Core.Billing;
using Metrics.Core.Ports;
using Metrics.Core.Statements;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>Frozen statements in memory, kept as the stored JSON so that reading one goes through the same seal check.</summary>
public sealed class InMemoryStatementStore : IStatementStore
{
    public ConcurrentDictionary<BillingMonth, byte[]> Stored { get; } = new();

    public Task<FrozenStatement?> ReadAsync(BillingMonth month, CancellationToken cancellationToken) =>
        Task.FromResult(Stored.TryGetValue(month, out byte[]? json) ? FrozenStatement.FromJson(json) : null);

    public Task<bool> TryFreezeAsync(FrozenStatement statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return Task.FromResult(Stored.TryAdd(statement.Month, statement.ToJson()));
    }
}
