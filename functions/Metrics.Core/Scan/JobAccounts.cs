using Metrics.Core.Usage;

namespace Metrics.Core.Scan;

/// <summary>
/// Which account (project) a GPU sample's time goes to: the account of the job run the sample names, among the runs
/// billed in the sample's hour. A sample names its job by (cluster, job id) only; of a requeued job's runs in the hour,
/// the latest run's account counts (Slurm keeps a job's account when it requeues it). A sample of a job not billed in
/// the hour (its events are late, or it names another institution's job) goes to the empty account, and moves to its
/// project when the hour is recomputed after the job's events arrive.
/// </summary>
public sealed class JobAccounts
{
    private readonly Dictionary<(string Cluster, string JobId), (DateTimeOffset RunStart, string Institution, string Account)> _runs = [];

    private JobAccounts() { }

    /// <summary>No jobs: every sample goes to the empty account.</summary>
    public static JobAccounts None { get; } = new();

    public bool IsEmpty => _runs.Count == 0;

    /// <summary>The accounts of the runs billed in an hour (its <c>jobhours</c> rows).</summary>
    public static JobAccounts Of(IEnumerable<JobUsage> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var accounts = new JobAccounts();
        foreach (JobUsage run in runs)
        {
            if (!accounts._runs.TryGetValue((run.Cluster, run.JobId), out var held) || run.RunStart > held.RunStart)
            {
                accounts._runs[(run.Cluster, run.JobId)] = (run.RunStart, run.Institution, run.Account ?? string.Empty);
            }
        }

        return accounts;
    }

    /// <summary>
    /// The account a sample of <paramref name="institution"/> on job (<paramref name="cluster"/>, <paramref name="jobId"/>) counts under.
    /// </summary>
    public string Of(string? cluster, string? jobId, string institution) =>
        cluster is not null
        && jobId is not null
        && _runs.TryGetValue((cluster, jobId), out var run)
        && string.Equals(run.Institution, institution, StringComparison.Ordinal)
            ? run.Account
            : string.Empty;
}
