using Metrics.Contract;

namespace Metrics.Core.Rollup;

/// <summary>A job run: Slurm keeps the job id across a requeue, so the run is the id and its start time.</summary>
public readonly record struct JobRunKey(string Cluster, string JobId, DateTimeOffset RunStart)
{
    /// <summary>The run a job event belongs to.</summary>
    public static JobRunKey Of(JobEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new JobRunKey(e.Cluster, e.JobId, e.StartTime);
    }
}
