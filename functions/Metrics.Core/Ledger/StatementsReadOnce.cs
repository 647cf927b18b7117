using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// A statement store that reads each month at most once, for one piece of work: pricing an open month reads the closed
/// months before it for their adjustments and again for the vouchers they drew on, and a statement is megabytes.
/// </summary>
internal sealed class StatementsReadOnce(IStatementStore inner) : IStatementStore
{
    private readonly Dictionary<BillingMonth, FrozenStatement?> _read = [];

    public async Task<FrozenStatement?> ReadAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        if (!_read.TryGetValue(month, out FrozenStatement? statement))
        {
            _read[month] = statement = await inner.ReadAsync(month, cancellationToken).ConfigureAwait(false);
        }

        return statement;
    }

    public Task<bool> TryFreezeAsync(FrozenStatement statement, CancellationToken cancellationToken) =>
        inner.TryFreezeAsync(statement, cancellationToken);

    public Task WriteDaysAsync(StatementDays days, CancellationToken cancellationToken) => inner.WriteDaysAsync(days, cancellationToken);

    public IAsyncEnumerable<BillingMonth> ListClosedAsync(CancellationToken cancellationToken) => inner.ListClosedAsync(cancellationToken);

    public Task<StatementDays> ReadDaysAsync(BillingMonth month, string sha256, CancellationToken cancellationToken) =>
        inner.ReadDaysAsync(month, sha256, cancellationToken);

    public Task RecordRefusalAsync(CloseRefusal refusal, CancellationToken cancellationToken) =>
        inner.RecordRefusalAsync(refusal, cancellationToken);

    public Task<CloseRefusal?> ReadRefusalAsync(BillingMonth month, CancellationToken cancellationToken) =>
        inner.ReadRefusalAsync(month, cancellationToken);
}
