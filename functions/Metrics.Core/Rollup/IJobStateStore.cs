namespace Metrics.Core.Rollup;

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
    /// <returns>The run's new version.</returns>
    /// <exception cref="JobStateConflictException">Someone else saved the run since <paramref name="expectedVersion"/>.</exception>
    Task<string> SaveAsync(
        JobBillingState state,
        DateTimeOffset? unsettledUntil,
        string? expectedVersion,
        CancellationToken cancellationToken
    );

    /// <summary>
    /// The stored runs among <paramref name="runs"/> (absent ones are missing from the answer). A store may read them in
    /// parallel; a job hour of the national centre names thousands.
    /// </summary>
    async Task<IReadOnlyDictionary<JobRunKey, StoredJobState>> GetManyAsync(
        IReadOnlyCollection<JobRunKey> runs,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(runs);
        var found = new Dictionary<JobRunKey, StoredJobState>();
        foreach (JobRunKey run in runs)
        {
            if (await GetAsync(run.Cluster, run.JobId, run.RunStart, cancellationToken).ConfigureAwait(false) is { } state)
            {
                found[run] = state;
            }
        }

        return found;
    }

    /// <summary>
    /// Saves each state as <see cref="SaveAsync"/> does, conditionally; a store may group them into transactions.
    /// Names the runs whose save was refused because someone else saved them meanwhile (every other save is done), and
    /// the new versions it knows.
    /// </summary>
    async Task<JobStateSaveResult> SaveManyAsync(IReadOnlyList<JobStateSave> saves, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saves);
        var conflicts = new List<JobRunKey>();
        var versions = new Dictionary<JobRunKey, string>();
        foreach (JobStateSave save in saves)
        {
            try
            {
                versions[save.Run] = await SaveAsync(save.State, save.UnsettledUntil, save.ExpectedVersion, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (JobStateConflictException)
            {
                conflicts.Add(save.Run);
            }
        }

        return new JobStateSaveResult(conflicts, versions);
    }
}
