namespace Metrics.Tests.Shared.Fakes;

/// <summary>A work queue in memory, with the receive count and the poison queue a Storage Queue has (visibility is not modelled).</summary>
public sealed class InMemoryWorkQueue(string name = "units") : IWorkQueue
{
    private readonly LinkedList<(string Id, WorkUnit Unit, long Count)> _visible = new();
    private readonly Dictionary<string, (WorkUnit Unit, long Count)> _hidden = [];
    private long _ids;

    public string Name => name;

    public List<WorkUnit> Poisoned { get; } = [];

    public IReadOnlyList<WorkUnit> Visible => _visible.Select(v => v.Unit).ToArray();

    public Task EnqueueAsync(IReadOnlyList<WorkUnit> units, CancellationToken cancellationToken)
    {
        foreach (WorkUnit unit in units)
        {
            _visible.AddLast((Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture), unit, 0));
        }

        return Task.CompletedTask;
    }

    public Task<QueuedUnit?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        if (_visible.First is not { } first)
        {
            return Task.FromResult<QueuedUnit?>(null);
        }

        _visible.RemoveFirst();
        (string id, WorkUnit unit, long count) = first.Value;
        _hidden[id] = (unit, count + 1);
        return Task.FromResult<QueuedUnit?>(new QueuedUnit(unit, count + 1, id, "receipt"));
    }

    public Task<QueuedUnit> ExtendAsync(QueuedUnit unit, TimeSpan visibility, CancellationToken cancellationToken)
    {
        Extended++;
        return Task.FromResult(unit);
    }

    public Task<bool> AnyLeftAsync(CancellationToken cancellationToken) => Task.FromResult(_visible.Count + _hidden.Count > 0);

    /// <summary>How many times a running unit's visibility was extended.</summary>
    public int Extended { get; private set; }

    public Task CompleteAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        _hidden.Remove(unit.MessageId);
        return Task.CompletedTask;
    }

    public Task RetryAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        if (_hidden.Remove(unit.MessageId, out (WorkUnit Unit, long Count) hidden))
        {
            _visible.AddLast((unit.MessageId, hidden.Unit, hidden.Count));
        }

        return Task.CompletedTask;
    }

    public Task PoisonAsync(QueuedUnit unit, CancellationToken cancellationToken)
    {
        _hidden.Remove(unit.MessageId);
        Poisoned.Add(unit.Unit);
        return Task.CompletedTask;
    }
}
