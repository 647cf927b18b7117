namespace Metrics.Core.Allocations;

/// <summary>The queue a scheduler hook or a notification flow reads the threshold events from (<c>allocation-events</c>).</summary>
public interface IAllocationEventQueue
{
    Task SendAsync(AllocationEvent allocationEvent, CancellationToken cancellationToken);
}
