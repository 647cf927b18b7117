namespace Metrics.Core.Work;

/// <summary>
/// Queued units whose last attempt failed, with what they threw (table <c>unitfailures</c>): what <c>metrics status</c>
/// reports. A unit's row is replaced by each failed attempt and removed by its success.
/// </summary>
public interface IUnitFailures
{
    Task RecordAsync(FailedUnit failed, CancellationToken cancellationToken);

    Task ClearAsync(WorkUnit unit, CancellationToken cancellationToken);

    Task<IReadOnlyList<FailedUnit>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>A unit's last failure: the attempts made, and whether it was the last one (the unit is on the poison queue).</summary>
public sealed record FailedUnit(UnitFailure Failure, long Attempts, bool Poisoned, DateTimeOffset At);
