using Metrics.Core.Allocations;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>The event log and the queue in memory; <see cref="FailSends"/> makes the queue refuse, as an outage would.</summary>
public sealed class InMemoryAllocationEvents : IAllocationEventLog, IAllocationEventQueue
{
    public ConcurrentDictionary<string, AllocationEvent> Recorded { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<AllocationEvent> Queue { get; } = new();

    public bool FailSends { get; set; }

    public Task<bool> RecordAsync(AllocationEvent allocationEvent, CancellationToken cancellationToken) =>
        Task.FromResult(Recorded.TryAdd(allocationEvent.Id, allocationEvent));

    public Task MarkSentAsync(AllocationEvent allocationEvent, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        Recorded[allocationEvent.Id] = Recorded[allocationEvent.Id] with { SentAt = sentAt };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AllocationEvent>> ListAsync(DateTimeOffset? since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AllocationEvent>>(
            Recorded.Values.Where(e => since is null || e.CrossedAt >= since).OrderBy(e => e.CrossedAt).ThenBy(e => e.Id).ToArray()
        );

    public Task SendAsync(AllocationEvent allocationEvent, CancellationToken cancellationToken)
    {
        if (FailSends)
        {
            throw new IOException("the queue is unreachable");
        }

        Queue.Enqueue(allocationEvent);
        return Task.CompletedTask;
    }
}
