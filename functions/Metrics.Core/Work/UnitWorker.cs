namespace Metrics.Core.Work;

/// <summary>
/// What a worker instance does, in one process (<c>metrics worker</c>, and <c>metrics compact</c> after planning): takes
/// the queue's units one at a time until none is visible, runs each through <see cref="QueuedUnitRunner"/>, deletes it
/// when done, makes it visible again at once when it failed, and moves it to the poison queue after its last attempt.
/// One unit at a time bounds a worker's memory by one unit's.
/// </summary>
public sealed class UnitWorker(IWorkQueue queue, QueuedUnitRunner runner)
{
    /// <summary>How long a received unit stays hidden from other workers by default: longer than a unit takes.</summary>
    public static readonly TimeSpan DefaultVisibility = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a received unit stays hidden: a worker that dies mid-unit leaves it to another worker after this long.
    /// </summary>
    public TimeSpan Visibility { get; init; } = DefaultVisibility;

    public async Task<UnitWorkerResult> RunUntilEmptyAsync(Func<WorkUnit, CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        int done = 0,
            failed = 0;
        var poisoned = new List<UnitFailure>();
        while (await queue.ReceiveAsync(Visibility, cancellationToken).ConfigureAwait(false) is { } received)
        {
            try
            {
                await runner.RunAsync(received.Unit, received.DequeueCount, run, cancellationToken).ConfigureAwait(false);
                await queue.CompleteAsync(received, cancellationToken).ConfigureAwait(false);
                done++;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failed++;
                if (received.DequeueCount >= QueuedUnitRunner.MaxAttempts)
                {
                    await queue.PoisonAsync(received, cancellationToken).ConfigureAwait(false);
                    poisoned.Add(UnitFailure.Of(received.Unit.Kind, received.Unit.Key, ex));
                }
                else
                {
                    await queue.RetryAsync(received, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return new UnitWorkerResult(done, failed, poisoned);
    }
}

/// <summary>What a worker did until its queue was empty: units done, attempts that failed, and the units it poisoned.</summary>
public sealed record UnitWorkerResult(int Done, int FailedAttempts, IReadOnlyList<UnitFailure> Failures);
