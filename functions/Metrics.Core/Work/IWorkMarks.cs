using Metrics.Contract;

namespace Metrics.Core.Work;

/// <summary>
/// The marks: what is left to do, in table <c>workmarks</c>. Ingest marks the UTC hours a batch landed in (kinds
/// <see cref="MarkKind.Gpu"/>, <see cref="MarkKind.Jobs"/>); the rollup marks the hours and months it must recompute
/// and the hours compaction must rewrite. Keys are UTC hours (<c>yyyyMMddHH</c>) or billing months (<c>yyyy-MM</c>).
/// Marking is an idempotent upsert, safe to call concurrently, that also changes the mark's version; clearing succeeds
/// only if the version is still the one listed, so a mark set while its work was being done survives for the next run.
/// </summary>
public interface IWorkMarks
{
    Task<IReadOnlyList<WorkMark>> ListAsync(MarkKind kind, CancellationToken cancellationToken);

    Task MarkAsync(MarkKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Removes the mark if nobody re-marked it since it was listed; returns false if it was re-marked.</summary>
    Task<bool> ClearAsync(WorkMark mark, CancellationToken cancellationToken);

    /// <summary>Marks the UTC hours a batch of <paramref name="stream"/> landed in, for the rollup.</summary>
    Task MarkLandedAsync(TelemetryStream stream, IReadOnlyCollection<DateTimeOffset> hours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hours);
        MarkKind kind = stream == TelemetryStream.Gpu ? MarkKind.Gpu : MarkKind.Jobs;
        return MarkAsync(kind, hours.Select(Usage.UtcHours.Key).ToArray(), cancellationToken);
    }
}
