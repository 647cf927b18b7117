using Metrics.Producer.Sending;
using Metrics.Slurm.Controller;

namespace Metrics.Slurm;

/// <summary>
/// Polls every interval and sends on a loop of its own (the sender never delays a poll, a slow controller never delays
/// sending). A failed poll (the controller down, squeue hanging) is logged and retried next interval; a long outage is
/// reminded of, not logged every poll. <c>--once</c> polls once and tries once to send what it spooled.
/// </summary>
public sealed class CollectorLoop(SlurmCollector collector, EventSender? sender, TextWriter log, TimeProvider time)
{
    public sealed record Options(TimeSpan Interval, bool Once);

    /// <returns>False when <see cref="Options.Once"/> was given and the poll failed.</returns>
    public async Task<bool> RunAsync(Options options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Once)
        {
            bool polled = await PollAsync(failures: 0, cancellationToken).ConfigureAwait(false);
            if (sender is not null)
            {
                try
                {
                    await sender.DrainAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    await log.WriteLineAsync(
                            $"metrics-slurm: send failed ({ex.GetType().Name}: {ex.Message.Split('\n')[0]}); the events stay spooled for "
                                + $"the next run"
                        )
                        .ConfigureAwait(false);
                }
            }

            return polled;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task sending = sender is null ? Task.CompletedTask : Task.Run(() => sender.RunAsync(stop.Token), CancellationToken.None);
        try
        {
            using var timer = new PeriodicTimer(options.Interval, time);
            int failures = 0;
            do
            {
                failures = await PollAsync(failures, cancellationToken).ConfigureAwait(false) ? 0 : failures + 1;
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
                // The sender stops with the collector; what it had not sent stays spooled.
            }
        }

        return true;
    }

    private async Task<bool> PollAsync(int failures, CancellationToken cancellationToken)
    {
        try
        {
            await collector.PollAsync(cancellationToken).ConfigureAwait(false);
            if (failures > 0)
            {
                await log.WriteLineAsync($"metrics-slurm: the controller answers again after {failures} failed poll(s)")
                    .ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception ex) when (ex is SlurmUnavailableException or FormatException or JsonException or IOException)
        {
            if (failures < 3 || (failures + 1) % 30 == 0)
            {
                await log.WriteLineAsync($"metrics-slurm: poll failed ({ex.Message}); trying again next interval").ConfigureAwait(false);
            }

            return false;
        }
    }
}
