using Metrics.Core.Audit;
using Metrics.Core.Usage;

namespace Metrics.Core.Audit;

/// <summary>The audit trail of finance actions: appended to, never changed (in Azure, a container with a WORM policy).</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>The records of one month of the action's time (UTC), in the order they were appended; every month's when null.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(BillingMonth? month, CancellationToken cancellationToken);
}
