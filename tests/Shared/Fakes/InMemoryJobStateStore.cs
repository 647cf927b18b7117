using System.Collections.Concurrent;
using Metrics.Core.Billing;
using Metrics.Core.Ports;

namespace Metrics.Tests.Shared.Fakes;

public sealed class InMemoryJobStateStore : IJobStateStore
{
    public ConcurrentDictionary<(string Cluster, string JobId, DateTimeOffset RunStart), JobBillingState> States { get; } = new();

    public Task<JobBillingState?> GetAsync(string cluster, string jobId, DateTimeOffset runStart, CancellationToken cancellationToken) =>
        Task.FromResult(States.TryGetValue((cluster, jobId, runStart), out JobBillingState? state) ? state : null);

    public Task SaveAsync(JobBillingState state, CancellationToken cancellationToken)
    {
        States[(state.Cluster, state.JobId, state.StartTime)] = state;
        return Task.CompletedTask;
    }
}
