namespace Metrics.Core.Rollup;

/// <summary>
/// Where the job phase's queued units leave their work (blobs in production and on Azurite): each UTC day's current
/// plan, and each unit's result (how many runs' billed usage it changed), written once.
/// </summary>
public interface IJobPlans
{
    Task<JobPlan?> ReadAsync(string day, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="plan"/> its day's current plan (the rollup's lease holder only).</summary>
    Task WriteAsync(JobPlan plan, CancellationToken cancellationToken);

    /// <summary>The epoch's slices done, each with the runs it changed.</summary>
    Task<IReadOnlyDictionary<int, int>> ListDoneAsync(string day, string epoch, CancellationToken cancellationToken);

    /// <summary>Records a slice done unless it is; false if it was.</summary>
    Task<bool> DoneAsync(string day, string epoch, int slice, int changed, CancellationToken cancellationToken);

    /// <summary>Deletes the day's plan and every result of it.</summary>
    Task DeleteAsync(string day, CancellationToken cancellationToken);
}
