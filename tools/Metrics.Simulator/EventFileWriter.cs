namespace Metrics.Simulator;

/// <summary>
/// Appends events to a JSON Lines file, holding back the ones a fault delays (late or resent) until their step comes.
/// Only delayed events are kept in memory, so memory stays bounded however long the simulation runs.
/// </summary>
internal sealed class EventFileWriter : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly PriorityQueue<byte[], (long Step, long Order)> _delayed = new();
    private long _order;

    public EventFileWriter(string path) =>
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 20);

    public long Written { get; private set; }

    public void Write(byte[] line)
    {
        _file.Write(line);
        _file.WriteByte((byte)'\n');
        Written++;
    }

    public void Delay(byte[] line, long step) => _delayed.Enqueue(line, (step, _order++));

    /// <summary>Writes the delayed events whose step has come.</summary>
    public void Release(long step)
    {
        while (_delayed.TryPeek(out _, out var due) && due.Step <= step)
        {
            Write(_delayed.Dequeue());
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release(long.MaxValue);
        await _file.DisposeAsync().ConfigureAwait(false);
    }
}
