using Metrics.Core.Ledger;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>Frozen statements in memory, kept as the stored JSON so that reading one goes through the same seal check.</summary>
public sealed class InMemoryStatementStore : IStatementStore
{
    public ConcurrentDictionary<BillingMonth, byte[]> Stored { get; } = new();

    public IAsyncEnumerable<BillingMonth> ListClosedAsync(CancellationToken cancellationToken) =>
        Stored.Keys.OrderBy(m => m).ToAsyncEnumerable();

    public Task<FrozenStatement?> ReadAsync(BillingMonth month, CancellationToken cancellationToken) =>
        Task.FromResult(Stored.TryGetValue(month, out byte[]? json) ? FrozenStatement.FromJson(json) : null);

    public Task<bool> TryFreezeAsync(FrozenStatement statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return Task.FromResult(Stored.TryAdd(statement.Month, statement.ToJson()));
    }

    /// <summary>Daily usage files by (month, hash), as stored.</summary>
    public ConcurrentDictionary<(BillingMonth Month, string Sha256), byte[]> StoredDays { get; } = new();

    public Task WriteDaysAsync(StatementDays days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(days);
        StoredDays[(days.Month, days.Sha256)] = days.Json.ToArray();
        return Task.CompletedTask;
    }

    public Task<StatementDays> ReadDaysAsync(BillingMonth month, string sha256, CancellationToken cancellationToken) =>
        StoredDays.TryGetValue((month, sha256), out byte[]? json)
            ? Task.FromResult(StatementDays.FromJson(month, json, sha256))
            : throw new InvalidDataException($"The daily usage {sha256} of {month}'s statement is missing.");

    public ConcurrentDictionary<BillingMonth, CloseRefusal> Refusals { get; } = new();

    public Task RecordRefusalAsync(CloseRefusal refusal, CancellationToken cancellationToken)
    {
        Refusals[refusal.Month] = refusal;
        return Task.CompletedTask;
    }

    public Task<CloseRefusal?> ReadRefusalAsync(BillingMonth month, CancellationToken cancellationToken) =>
        Task.FromResult(Refusals.GetValueOrDefault(month));
}
