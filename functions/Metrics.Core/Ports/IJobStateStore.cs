using Metrics.Core.Billing;

namespace Metrics.Core.Ports;

/// <summary>Durable per-job billing state (start, billed-through, end, GPUs, institution, model).</summary>
public interface IJobStateStore
{
    Task<JobBillingState?> GetAsync(string cluster, string jobId, CancellationToken cancellationToken);

    Task SaveAsync(JobBillingState state, CancellationToken cancellationToken);
}
