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

    private readonly QueueClient _queue = storage.Queue(QueueName);
    private int _ready;

    public QueueClient Client => _queue;

    public async Task SendAsync(AllocationEvent allocationEvent, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ready) == 0)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _ready, 1);
        }

        await _queue
            .SendMessageAsync(
                BinaryData.FromBytes(AllocationEventJson.Serialize(allocationEvent)),
                visibilityTimeout: null,
                timeToLive: TimeSpan.FromSeconds(-1),
                cancellationToken
            )
            .ConfigureAwait(false);
    }
}
