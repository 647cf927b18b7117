using Metrics.Core.Billing;
using Metrics.Core.Statements;

namespace Metrics.Core.Ports;

/// <summary>Closed months' frozen statements: written once, never replaced.</summary>
public interface IStatementStore
{
    /// <summary>The month's frozen statement, or null while the month is open.</summary>
    Task<FrozenStatement?> ReadAsync(BillingMonth month, CancellationToken cancellationToken);

    /// <summary>Stores the statement unless the month already has one; returns false (and stores nothing) if it has.</summary>
    Task<bool> TryFreezeAsync(FrozenStatement statement, CancellationToken cancellationToken);
}
