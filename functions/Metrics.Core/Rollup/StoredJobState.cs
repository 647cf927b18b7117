namespace Metrics.Core.Rollup;

/// <summary>A job run's state as stored, with the version a conditional save names.</summary>
/// <param name="UnsettledUntil">
/// Set when a save lost a race: the run's job-usage rows from its start up to this time may have been written from a
/// stale state, so the next fold rewrites them all from the current one.
/// </param>
public sealed record StoredJobState(JobBillingState State, string Version, DateTimeOffset? UnsettledUntil);
