using Metrics.Core.Billing;

namespace Metrics.Core.Ports;

/// <summary>Durable billing state per job run (start, billed-through, end, GPUs, institution, model).</summary>
public interface IJobStateStore
{
    /// <summary>The state of the run of <paramref name="jobId"/> that started at <paramref name="runStart"/>, if any.</summary>
    Task<JobBillingState?> GetAsync(string cluster, string jobId, DateTimeOffset runStart, CancellationToken cancellationToken);

    Task SaveAsync(JobBillingState state, CancellationToken cancellationToken);
}
