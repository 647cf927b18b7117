namespace Metrics.Storage;

/// <summary>
/// A queue created on an adapter's first use, once per adapter instance, as <see cref="TableCreatedOnce"/> does for
/// tables: not a round trip before every message.
/// </summary>
internal sealed class QueueCreatedOnce(QueueClient queue)
{
    private int _ready;

    /// <summary>The queue, for calls that know it exists or need not (a peek, a delete).</summary>
    public QueueClient Client => queue;

    /// <summary>The queue, created first if this instance has not made sure of it yet.</summary>
    public async ValueTask<QueueClient> EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ready) == 0)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _ready, 1);
        }

        return queue;
    }
}
