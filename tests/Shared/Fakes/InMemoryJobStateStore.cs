namespace Metrics.Tests.Shared.Fakes;

/// <summary>A process-local job state store with the same conditional-save contract as the table store.</summary>
public sealed class InMemoryJobStateStore : IJobStateStore
{
    private readonly Lock _gate = new();
    private long _version;

    public ConcurrentDictionary<(string Cluster, string JobId, DateTimeOffset RunStart), StoredJobState> Stored { get; } = new();

    public IReadOnlyDictionary<(string Cluster, string JobId, DateTimeOffset RunStart), JobBillingState> States =>
        Stored.ToDictionary(p => p.Key, p => p.Value.State);

    private int _reads;

    /// <summary>How many runs were read: what the rollup's memory of the runs it saved spares.</summary>
    public int Reads => _reads;

    /// <summary>How many many-run reads were asked for: the rollup reads a chunk of job hours' runs in one.</summary>
    public int ManyReads => _manyReads;

    private int _manyReads;

    public async Task<IReadOnlyDictionary<JobRunKey, StoredJobState>> GetManyAsync(
        IReadOnlyCollection<JobRunKey> runs,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(runs);
        Interlocked.Increment(ref _manyReads);
        var found = new Dictionary<JobRunKey, StoredJobState>();
        foreach (JobRunKey run in runs)
        {
            if (await GetAsync(run.Cluster, run.JobId, run.RunStart, cancellationToken) is { } state)
            {
                found[run] = state;
            }
        }

        return found;
    }

    public Task<StoredJobState?> GetAsync(string cluster, string jobId, DateTimeOffset runStart, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(Stored.TryGetValue((cluster, jobId, runStart), out StoredJobState? state) ? state : null);
    }

    public Task<string> SaveAsync(
        JobBillingState state,
        DateTimeOffset? unsettledUntil,
        string? expectedVersion,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            var key = (state.Cluster, state.JobId, state.StartTime);
            string? current = Stored.TryGetValue(key, out StoredJobState? stored) ? stored.Version : null;
            if (current != expectedVersion)
            {
                throw new JobStateConflictException($"run {key} is at version {current ?? "none"}, not {expectedVersion ?? "none"}");
            }

            string version = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Stored[key] = new StoredJobState(state, version, unsettledUntil);
            return Task.FromResult(version);
        }
    }
}
