using Azure.Storage.Queues.Models;

namespace Metrics.Functions.Triggers;

/// <summary>
/// What the queue-triggered functions do with a message: read it as a unit (a message that is none is logged and
/// dropped: retrying cannot mend it), run it through <see cref="QueuedUnitRunner"/> (a failure is recorded and rethrown,
/// so the host retries it), and on the last attempt count and log it before the host moves it to the poison queue.
/// </summary>
internal static class QueuedUnitMessage
{
    public static async Task RunAsync(
        QueueMessage message,
        QueuedUnitRunner runner,
        Func<ReadOnlyMemory<byte>, WorkUnit> parse,
        Func<WorkUnit, CancellationToken, Task> run,
        QueuedUnitLog log,
        Metrics.Core.Observability.PipelineMetrics? metrics,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(message);
        WorkUnit unit;
        try
        {
            unit = parse(message.Body.ToMemory());
        }
        catch (FormatException ex)
        {
            log.Unreadable(message.MessageId, ex.Message);
            return;
        }

        try
        {
            await runner.RunAsync(unit, message.DequeueCount, run, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (message.DequeueCount >= QueuedUnitRunner.MaxAttempts && !cancellationToken.IsCancellationRequested)
        {
            // The host moves the message to the poison queue after this: counted for the alert, logged with why.
            (metrics ?? Metrics.Core.Observability.PipelineMetrics.Shared).UnitPoisoned(WorkUnit.NameOf(unit.Kind));
            log.Poisoned(unit.ToString(), message.DequeueCount, ex.GetType().Name, ex.Message);
            throw;
        }
    }
}

/// <summary>How a queue-triggered function logs a message that is no unit, and a unit that failed its last attempt.</summary>
internal sealed record QueuedUnitLog(Action<string, string> Unreadable, Action<string, long, string, string> Poisoned);
