namespace Metrics.Core.Rollup;

/// <summary>
/// One conditional save of <see cref="IJobStateStore.SaveManyAsync"/>: the state, and the version it was read at (null: new).
/// </summary>
public sealed record JobStateSave(JobBillingState State, DateTimeOffset? UnsettledUntil, string? ExpectedVersion)
{
    public JobRunKey Run => new(State.Cluster, State.JobId, State.StartTime);
}
