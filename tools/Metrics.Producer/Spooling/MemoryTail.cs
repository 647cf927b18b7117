namespace Metrics.Producer.Spooling;

/// <summary>
/// The spool's events held in memory while the disk refuses writes: a queue bounded in bytes, kept behind the disk's
/// events and in order. Not thread-safe on its own: the spool's lock guards it.
/// </summary>
internal sealed class MemoryTail(long maxBytes)
{
    private readonly Queue<byte[]> _events = new();
    private long _bytes;

    public int Count => _events.Count;

    /// <summary>Queues the event; false when it would take the tail over its bound.</summary>
    public bool TryEnqueue(byte[] body)
    {
        if (_bytes + body.Length > maxBytes)
        {
            return false;
        }

        _events.Enqueue(body);
        _bytes += body.Length;
        return true;
    }

    /// <summary>The oldest events, up to <paramref name="maxEvents"/> and about <paramref name="maxBytes"/> (at least one).</summary>
    public List<SpooledEvent> Peek(int maxEvents, long maxBytes)
    {
        var batch = new SpoolBatch(maxEvents, maxBytes, -1, -1);
        foreach (byte[] body in _events)
        {
            if (batch.IsFullFor(body.Length))
            {
                break;
            }

            batch.Add(new SpooledEvent(body, Segment: -1, End: -1));
        }

        return batch.Events;
    }

    /// <summary>Removes the first <paramref name="count"/> events: only the sender removes, from the front.</summary>
    public void Remove(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _bytes -= _events.Dequeue().Length;
        }
    }
}
