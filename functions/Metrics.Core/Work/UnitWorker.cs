namespace Metrics.Core.Work;

/// <summary>
/// What a worker instance does, in one process (<c>metrics worker</c>, and <c>metrics compact</c> after planning): takes
/// the queue's units one at a time until none is visible, runs each through <see cref="QueuedUnitRunner"/>, deletes it
/// when done, makes it visible again at once when it failed, and moves it to the poison queue after its last attempt.
/// One unit at a time bounds a worker's memory by one unit's.
/// </summary>
public sealed class UnitWorker(IWorkQueue queue, QueuedUnitRunner runner)
{
    /// <summary>
    /// How long a received unit stays hidden from other workers by default. Renewed every half of it while the unit
    /// runs, so it bounds how long a dead worker's unit waits, not how long a unit may take.
    /// </summary>
    public static readonly TimeSpan DefaultVisibility = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a received unit stays hidden: a worker that dies mid-unit leaves it to another worker after this long.
    /// </summary>
    public TimeSpan Visibility { get; init; } = DefaultVisibility;

    /// <summary>
    /// How often a waiting worker looks again for units hidden by a worker that died (<see cref="RunUntilDrainedAsync"/>).
    /// </summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs units until none is visible; units hidden by other workers are theirs.</summary>
    public Task<UnitWorkerResult> RunUntilEmptyAsync(Func<WorkUnit, CancellationToken, Task> run, CancellationToken cancellationToken) =>
        RunAsync(run, untilDrained: false, cancellationToken);

    /// <summary>
    /// Runs units until none is left at all: it also waits for units other workers hold, and takes over any whose
    /// worker died once its visibility lapses. What a planner does that must know every unit it planned has run.
    /// </summary>
    public Task<UnitWorkerResult> RunUntilDrainedAsync(Func<WorkUnit, CancellationToken, Task> run, CancellationToken cancellationToken) =>
        RunAsync(run, untilDrained: true, cancellationToken);

    private async Task<UnitWorkerResult> RunAsync(
        Func<WorkUnit, CancellationToken, Task> run,
        bool untilDrained,
        CancellationToken cancellationToken
    )
    {
        int done = 0,
            failed = 0;
        var poisoned = new List<UnitFailure>();
        while (true)
        {
            QueuedUnit? received = await queue.ReceiveAsync(Visibility, cancellationToken).ConfigureAwait(false);
            if (received is null)
            {
                if (!untilDrained || !await queue.AnyLeftAsync(cancellationToken).ConfigureAwait(false))
                {
                    return new UnitWorkerResult(done, failed, poisoned);
                }

                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                continue;
            }

            UnitFailure? failure = await RunOneAsync(received, run, cancellationToken).ConfigureAwait(false);
            (done, failed) = failure is null ? (done + 1, failed) : (done, failed + 1);
            if (failure is not null && received.DequeueCount >= QueuedUnitRunner.MaxAttempts)
            {
                poisoned.Add(failure);
            }
        }
    }

    /// <summary>One unit, kept hidden while it runs; settled after. Returns its failure, if it failed.</summary>
    private async Task<UnitFailure?> RunOneAsync(
        QueuedUnit received,
        Func<WorkUnit, CancellationToken, Task> run,
        CancellationToken cancellationToken
    )
    {
        await using var hidden = new HiddenWhileRunning(queue, received, Visibility);
        try
        {
            await runner.RunAsync(received.Unit, received.DequeueCount, run, cancellationToken).ConfigureAwait(false);
            await queue.CompleteAsync(await hidden.StopAsync().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            QueuedUnit latest = await hidden.StopAsync().ConfigureAwait(false);
            if (received.DequeueCount >= QueuedUnitRunner.MaxAttempts)
            {
                await queue.PoisonAsync(latest, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await queue.RetryAsync(latest, cancellationToken).ConfigureAwait(false);
            }

            return UnitFailure.Of(received.Unit.Kind, received.Unit.Key, ex);
        }
    }
}

/// <summary>What a worker did until its queue was empty: units done, attempts that failed, and the units it poisoned.</summary>
public sealed record UnitWorkerResult(int Done, int FailedAttempts, IReadOnlyList<UnitFailure> Failures);
