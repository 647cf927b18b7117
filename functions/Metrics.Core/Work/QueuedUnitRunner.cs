namespace Metrics.Core.Work;

/// <summary>
/// Runs one queued unit, the same way for the queue-triggered function and for <c>metrics worker</c>: a failure is
/// recorded with what it threw (<see cref="IUnitFailures"/>), marked poisoned on the last of <see cref="MaxAttempts"/>,
/// and rethrown so that the queue retries the unit; a success clears any failure recorded for it before.
/// </summary>
public sealed class QueuedUnitRunner(IUnitFailures failures, TimeProvider timeProvider)
{
    /// <summary>Attempts before a unit goes to the poison queue: host.json's <c>queues.maxDequeueCount</c>.</summary>
    public const int MaxAttempts = 5;

    public async Task RunAsync(
        WorkUnit unit,
        long attempt,
        Func<WorkUnit, CancellationToken, Task> run,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            await run(unit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await failures
                .RecordAsync(
                    new FailedUnit(UnitFailure.Of(unit.Kind, unit.Key, ex), attempt, attempt >= MaxAttempts, timeProvider.GetUtcNow()),
                    cancellationToken
                )
                .ConfigureAwait(false);
            throw;
        }

        // Always: a unit poisoned once and queued again by a later plan starts again at attempt 1.
        await failures.ClearAsync(unit, cancellationToken).ConfigureAwait(false);
    }
}
