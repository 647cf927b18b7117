using Metrics.Core.Billing;

namespace Metrics.Core.Ports;

/// <summary>
/// Durable billing state per job run (start, billed-through, end, GPUs, institution, model), written conditionally:
/// a save names the version it read, so two rollups that both believe they hold the lock (a lease that expired under
/// one of them) cannot overwrite each other's update unseen.
/// </summary>
public interface IJobStateStore
{
    /// <summary>The stored run of <paramref name="jobId"/> that started at <paramref name="runStart"/>, with its version, if any.</summary>
    Task<StoredJobState?> GetAsync(string cluster, string jobId, DateTimeOffset runStart, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="state"/> if the stored run is still at <paramref name="expectedVersion"/> (null: if there
    /// is none yet). <paramref name="unsettledUntil"/>, when set, records that the run's job-usage rows up to that
    /// time may not match the state and must be rewritten whole by the next fold.
    /// </summary>
    /// <exception cref="JobStateConflictException">Someone else saved the run since <paramref name="expectedVersion"/>.</exception>
    Task SaveAsync(JobBillingState state, DateTimeOffset? unsettledUntil, string? expectedVersion, CancellationToken cancellationToken);
}
