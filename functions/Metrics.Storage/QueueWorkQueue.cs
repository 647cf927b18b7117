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

    /// <summary>The rollup's units: one shard of an hour's GPU samples each.</summary>
    public const string RollupUnits = "rollup-units";

    private readonly QueueCreatedOnce _units = new(storage.Queue(name));
    private readonly QueueCreatedOnce _poison = new(storage.Queue(name + "-poison"));

    public string Name => name;

    public async Task EnqueueAsync(IReadOnlyList<WorkUnit> units, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(units);
        QueueClient queue = await _units.EnsureAsync(cancellationToken).ConfigureAwait(false);
        foreach (WorkUnit unit in units)
        {
            await queue.SendMessageAsync(BinaryData.FromBytes(unit.ToJson()), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<QueuedUnit?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        QueueClient queue = await _units.EnsureAsync(cancellationToken).ConfigureAwait(false);
        QueueMessage? message = (await queue.ReceiveMessageAsync(visibility, cancellationToken).ConfigureAwait(false)).Value;
        return message is null
            ? null
            : new QueuedUnit(WorkUnit.Parse(message.Body.ToMemory().Span), message.DequeueCount, message.MessageId, message.PopReceipt);
    }

    public async Task<QueuedUnit> ExtendAsync(QueuedUnit unit, TimeSpan visibility, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        UpdateReceipt receipt = (
            await _units
                .Client.UpdateMessageAsync(
                    unit.MessageId,
                    unit.PopReceipt,
                    visibilityTimeout: visibility,
                    cancellationToken: cancellationToken
                )
                .ConfigureAwait(false)
        ).Value;
        return unit with { PopReceipt = receipt.PopReceipt };
    }

    public async Task<bool> AnyLeftAsync(CancellationToken cancellationToken)
    {
        QueueClient queue = await _units.EnsureAsync(cancellationToken).ConfigureAwait(false);
        QueueProperties properties = (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value;
        return properties.ApproximateMessagesCount > 0;
    }

    public Task CompleteAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return _units.Client.DeleteMessageAsync(unit.MessageId, unit.PopReceipt, cancellationToken);
    }

    public Task RetryAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return _units.Client.UpdateMessageAsync(
            unit.MessageId,
            unit.PopReceipt,
            visibilityTimeout: TimeSpan.Zero,
            cancellationToken: cancellationToken
        );
    }

    public async Task PoisonAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        QueueClient poison = await _poison.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(BinaryData.FromBytes(unit.Unit.ToJson()), cancellationToken: cancellationToken).ConfigureAwait(false);
        await _units.Client.DeleteMessageAsync(unit.MessageId, unit.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The units on the poison queue (at most 32, as a peek gives them).</summary>
    public async Task<IReadOnlyList<WorkUnit>> PeekPoisonedAsync(CancellationToken cancellationToken)
    {
        if (!await _poison.Client.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        PeekedMessage[] peeked = (await _poison.Client.PeekMessagesAsync(32, cancellationToken).ConfigureAwait(false)).Value;
        return peeked.Select(m => WorkUnit.Parse(m.Body.ToMemory().Span)).ToArray();
    }
}
