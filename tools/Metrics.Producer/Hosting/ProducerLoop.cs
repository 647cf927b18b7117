using Metrics.Producer.Sending;

namespace Metrics.Producer.Hosting;

/// <summary>
/// A producer's two loops, which never wait on each other: its own (sample, poll) every interval, which appends to the
/// spool, and the sender's, which empties it at its own pace. <c>--once</c> runs one tick and tries once to send what
/// it spooled; what Event Hubs did not take stays spooled for the next run.
/// </summary>
public static class ProducerLoop
{
    /// <param name="tick">One round of the producer's work; false when it failed (already logged).</param>
    /// <returns>With <paramref name="once"/>, whether the tick succeeded; otherwise true when stopped.</returns>
    public static async Task<bool> RunAsync(
        TimeSpan interval,
        bool once,
        Func<CancellationToken, Task<bool>> tick,
        EventSender? sender,
        string tool,
        TextWriter log,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(tick);
        ArgumentNullException.ThrowIfNull(log);
        if (once)
        {
            bool done = await tick(cancellationToken).ConfigureAwait(false);
            if (sender is not null)
            {
                try
                {
                    await sender.DrainAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    await log.WriteLineAsync(
                            $"{tool}: send failed ({ex.GetType().Name}: {ex.Message.Split('\n')[0]}); what was not sent stays spooled for "
                                + $"the next run"
                        )
                        .ConfigureAwait(false);
                }
            }

            return done;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task sending = sender is null ? Task.CompletedTask : Task.Run(() => sender.RunAsync(stop.Token), CancellationToken.None);
        try
        {
            using var timer = new PeriodicTimer(interval, time);
            do
            {
                await tick(cancellationToken).ConfigureAwait(false);
            } while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await sending.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The sender stops with the producer; what it had not sent stays spooled.
            }
        }

        return true;
    }
}
