using Metrics.Core.Ports;

namespace Metrics.Core.Billing;

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

    private readonly Dictionary<JobRunKey, StoredJobState> _runs = [];

    public bool TryGet(JobRunKey run, out StoredJobState state) => _runs.TryGetValue(run, out state!);

    public void Remember(JobRunKey run, StoredJobState state)
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
