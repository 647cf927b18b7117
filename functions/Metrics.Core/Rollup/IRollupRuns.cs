using Metrics.Core.Operations;

namespace Metrics.Core.Rollup;

/// <summary>
/// Where the rollup leaves word of its last run, for the operators (<c>metrics status</c>): the logs say the same, but
/// an operator asking "is billing up to date?" should not have to search them.
/// </summary>
public interface IRollupRuns
{
    /// <summary>Records a finished run, stamped with the store's clock.</summary>
    Task RecordAsync(RollupResult result, CancellationToken cancellationToken);

    /// <summary>The last run recorded, or null when none was.</summary>
    Task<RollupRun?> LastAsync(CancellationToken cancellationToken);
}
