namespace Metrics.Core.Rollup;

/// <summary>
/// The job runs one rollup has read or saved, at the version it left them. A long job has events in many hours, and a
/// rollup that folds a backlog of job hours would otherwise read each run once per hour: on the national hour 12,573
/// reads for 3,864 runs. The versions make it safe: a save still names the version this rollup last saw, so a run
/// another rollup saved meanwhile is refused as before. Bounded: past <see cref="MaxRuns"/> it starts afresh.
/// </summary>
internal sealed class KnownJobStates
{
    /// <summary>About 300 bytes a run: a bound of some 60 MB, far above a national hour's few thousand runs.</summary>
    public const int MaxRuns = 200_000;

    /// <summary>Each run at the version this rollup saw, or null: not stored when this rollup looked.</summary>
    private readonly Dictionary<JobRunKey, StoredJobState?> _runs = [];

    /// <summary>Whether the run is known; <paramref name="state"/> null means it was not stored when read.</summary>
    public bool TryGet(JobRunKey run, out StoredJobState? state) => _runs.TryGetValue(run, out state);

    /// <summary>
    /// Reads the runs not known yet, in one <see cref="IJobStateStore.GetManyAsync"/>, and remembers them (absent ones too).
    /// </summary>
    public async Task LoadAsync(IJobStateStore store, IEnumerable<JobRunKey> runs, CancellationToken cancellationToken)
    {
        JobRunKey[] unknown = runs.Where(run => !_runs.ContainsKey(run)).Distinct().ToArray();
        if (unknown.Length == 0)
        {
            return;
        }

        IReadOnlyDictionary<JobRunKey, StoredJobState> read = await store.GetManyAsync(unknown, cancellationToken).ConfigureAwait(false);
        foreach (JobRunKey run in unknown)
        {
            Remember(run, read.GetValueOrDefault(run));
        }
    }

    public void Remember(JobRunKey run, StoredJobState? state)
    {
        if (_runs.Count >= MaxRuns && !_runs.ContainsKey(run))
        {
            _runs.Clear();
        }

        _runs[run] = state;
    }

    public void Forget(JobRunKey run) => _runs.Remove(run);

    /// <summary>After a failed job hour: what it saved is unknown, so every run is read again.</summary>
    public void Clear() => _runs.Clear();
}
