using Azure.Storage.Queues.Models;

namespace Metrics.Storage;

/// <summary>
/// A queue of work units on Azure Storage Queues (Azurite locally): one message per unit, Base64-encoded as the Functions
/// queue trigger reads it, with this account's name prefix. The poison queue is <c>{name}-poison</c>, where the
/// Functions host moves a message after host.json's <c>maxDequeueCount</c> attempts; <c>metrics worker</c> does the same.
/// </summary>
public sealed class QueueWorkQueue(StorageClients storage, string name) : IWorkQueue
{
    /// <summary>Compaction's units: one stream-hour each.</summary>
    public const string CompactionUnits = "compaction-units";

    private readonly QueueClient _queue = storage.Queue(name);
    private readonly QueueClient _poison = storage.Queue(name + "-poison");
    private int _ready;

    public string Name => name;

    public async Task EnqueueAsync(IReadOnlyList<WorkUnit> units, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(units);
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        foreach (WorkUnit unit in units)
        {
            await _queue.SendMessageAsync(BinaryData.FromBytes(unit.ToJson()), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<QueuedUnit?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        QueueMessage? message = (await _queue.ReceiveMessageAsync(visibility, cancellationToken).ConfigureAwait(false)).Value;
        return message is null
            ? null
            : new QueuedUnit(WorkUnit.Parse(message.Body.ToMemory().Span), message.DequeueCount, message.MessageId, message.PopReceipt);
    }

    public Task CompleteAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return _queue.DeleteMessageAsync(unit.MessageId, unit.PopReceipt, cancellationToken);
    }

    public Task RetryAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return _queue.UpdateMessageAsync(
            unit.MessageId,
            unit.PopReceipt,
            visibilityTimeout: TimeSpan.Zero,
            cancellationToken: cancellationToken
        );
    }

    public async Task PoisonAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _poison
            .SendMessageAsync(BinaryData.FromBytes(unit.Unit.ToJson()), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await _queue.DeleteMessageAsync(unit.MessageId, unit.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The units on the poison queue (at most 32, as a peek gives them).</summary>
    public async Task<IReadOnlyList<WorkUnit>> PeekPoisonedAsync(CancellationToken cancellationToken)
    {
        if (!await _poison.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        PeekedMessage[] peeked = (await _poison.PeekMessagesAsync(32, cancellationToken).ConfigureAwait(false)).Value;
        return peeked.Select(m => WorkUnit.Parse(m.Body.ToMemory().Span)).ToArray();
    }

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ready) == 0)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _ready, 1);
        }
    }
}
