using Metrics.Core.Allocations;

namespace Metrics.Storage;

/// <summary>
/// The threshold events' Storage Queue, <c>allocation-events</c>: one message per event, its body the
/// <c>allocation-event/v1</c> JSON (<see cref="AllocationEventJson"/>), Base64-encoded as the Functions queue trigger
/// reads it. Messages live for ever (no time-to-live) until a consumer deletes them.
/// </summary>
public sealed class QueueAllocationEvents(StorageClients storage) : IAllocationEventQueue
{
    public const string QueueName = "allocation-events";

    private readonly QueueCreatedOnce _queue = new(storage.Queue(QueueName));

    public QueueClient Client => _queue.Client;

    public async Task SendAsync(AllocationEvent allocationEvent, CancellationToken cancellationToken)
    {
        QueueClient queue = await _queue.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await queue
            .SendMessageAsync(
                BinaryData.FromBytes(AllocationEventJson.Serialize(allocationEvent)),
                visibilityTimeout: null,
                timeToLive: TimeSpan.FromSeconds(-1),
                cancellationToken
            )
            .ConfigureAwait(false);
    }
}
