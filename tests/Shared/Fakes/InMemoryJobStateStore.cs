using System.Collections.Concurrent;
using Metrics.Core.Billing;
using Metrics.Core.Ports;

namespace Metrics.Tests.Shared.Fakes;

public sealed class InMemoryJobStateStore : IJobStateStore
{
    public ConcurrentDictionary<(string Cluster, string JobId), JobBillingState> States { get; } = new();

    public Task<JobBillingState?> GetAsync(string cluster, string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(States.TryGetValue((cluster, jobId), out JobBillingState? state) ? state : null);

    public Task SaveAsync(JobBillingState state, CancellationToken cancellationToken)
    {
        States[(state.Cluster, state.JobId)] = state;
        return Task.CompletedTask;
    }
}
