namespace Metrics.Core.Ports;

/// <summary>
/// The rollup's to-do list. Keys are UTC hours (<c>yyyyMMddHH</c>) or billing months (<c>yyyy-MM</c>). Marking is an
/// idempotent upsert that also changes the mark's version; clearing succeeds only if the version is still the one
/// listed, so a mark set while the rollup was computing survives for the next run.
/// </summary>
public interface IRollupMarks
{
    Task<IReadOnlyList<RollupMark>> ListAsync(MarkKind kind, CancellationToken cancellationToken);

    Task MarkAsync(MarkKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Removes the mark if nobody re-marked it since it was listed; returns false if it was re-marked.</summary>
    Task<bool> ClearAsync(RollupMark mark, CancellationToken cancellationToken);
}
