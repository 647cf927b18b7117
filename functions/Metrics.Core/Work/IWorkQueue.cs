namespace Metrics.Core.Work;

/// <summary>
/// A queue of work units (a Storage Queue in production and on Azurite): planners put units on it, workers take one at a
/// time, each hidden from other workers while it runs and deleted once done. A unit that keeps failing is moved to the
/// queue's poison queue (<c>{name}-poison</c>), as the Functions host moves a message it gave up on.
/// </summary>
public interface IWorkQueue
{
    string Name { get; }

    Task EnqueueAsync(IReadOnlyList<WorkUnit> units, CancellationToken cancellationToken);

    /// <summary>The next visible unit, hidden for <paramref name="visibility"/>; null when none is visible.</summary>
    Task<QueuedUnit?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a unit that is still running hidden for <paramref name="visibility"/> more, as the Functions host does for a
    /// long-running message; returns the unit with its new receipt, which the next call must use.
    /// </summary>
    Task<QueuedUnit> ExtendAsync(QueuedUnit unit, TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>
    /// Whether any unit is left, visible or hidden (being run, or left by a worker that died until its visibility lapses).
    /// </summary>
    Task<bool> AnyLeftAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a unit that is done.</summary>
    Task CompleteAsync(QueuedUnit unit, CancellationToken cancellationToken);

    /// <summary>Makes a unit that failed visible again at once, for its next attempt.</summary>
    Task RetryAsync(QueuedUnit unit, CancellationToken cancellationToken);

    /// <summary>Moves a unit that failed its last attempt to the poison queue.</summary>
    Task PoisonAsync(QueuedUnit unit, CancellationToken cancellationToken);
}

/// <summary>A unit as received: how many times it has been received (this time included), and the handle to settle it.</summary>
public sealed record QueuedUnit(WorkUnit Unit, long DequeueCount, string MessageId, string PopReceipt);
