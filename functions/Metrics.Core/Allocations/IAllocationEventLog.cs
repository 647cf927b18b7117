namespace Metrics.Core.Allocations;

/// <summary>
/// Every threshold event ever emitted, kept so that each is emitted once for ever and the CLI can list them: the
/// outbox of the queue (an event is recorded first, then sent, then marked sent).
/// </summary>
public interface IAllocationEventLog
{
    /// <summary>
    /// Records the event unless one with its <see cref="AllocationEvent.Id"/> already is (a conditional insert); true when
    /// this call recorded it.
    /// </summary>
    Task<bool> RecordAsync(AllocationEvent allocationEvent, CancellationToken cancellationToken);

    /// <summary>Marks the event as put on the queue.</summary>
    Task MarkSentAsync(AllocationEvent allocationEvent, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <summary>Every event crossed at or after <paramref name="since"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<AllocationEvent>> ListAsync(DateTimeOffset? since, CancellationToken cancellationToken);
}
