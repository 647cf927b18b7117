using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>Closed months' frozen statements: written once, never replaced.</summary>
public interface IStatementStore
{
    /// <summary>The month's frozen statement, or null while the month is open.</summary>
    Task<FrozenStatement?> ReadAsync(BillingMonth month, CancellationToken cancellationToken);

    /// <summary>Stores the statement unless the month already has one; returns false (and stores nothing) if it has.</summary>
    Task<bool> TryFreezeAsync(FrozenStatement statement, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a month's daily usage under its hash, before the statement that records the hash: a close that dies in
    /// between leaves a file no statement names, and the next close writes its own.
    /// </summary>
    Task WriteDaysAsync(StatementDays days, CancellationToken cancellationToken);

    /// <summary>
    /// The daily usage a closed month's statement recorded (<see cref="FrozenStatement.DaysSha256"/>), checked against the hash.
    /// </summary>
    Task<StatementDays> ReadDaysAsync(BillingMonth month, string sha256, CancellationToken cancellationToken);

    /// <summary>Records why the month's last close left it open (replacing the record of an earlier refusal).</summary>
    Task RecordRefusalAsync(CloseRefusal refusal, CancellationToken cancellationToken);

    /// <summary>Why the month's last close left it open, or null when none did.</summary>
    Task<CloseRefusal?> ReadRefusalAsync(BillingMonth month, CancellationToken cancellationToken);

    /// <summary>The months that have a statement, oldest first.</summary>
    IAsyncEnumerable<BillingMonth> ListClosedAsync(CancellationToken cancellationToken);
}
