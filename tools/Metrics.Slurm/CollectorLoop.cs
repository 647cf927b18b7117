using Metrics.Producer.Hosting;
using Metrics.Producer.Sending;
using Metrics.Slurm.Controller;

namespace Metrics.Slurm;

/// <summary>
/// The collector's polls, on every producer's loop (<see cref="ProducerLoop"/>): a failed poll (the controller down,
/// squeue hanging, unreadable output) is logged and retried next interval, and a long outage is reminded of every 30th
/// poll, not logged every time; the recovery is logged once.
/// </summary>
public sealed class CollectorLoop(SlurmCollector collector, TextWriter log)
{
    private int _failures;

    /// <returns>With <paramref name="once"/>, whether the poll succeeded; otherwise true when stopped.</returns>
    public Task<bool> RunAsync(TimeSpan interval, bool once, EventSender? sender, CancellationToken cancellationToken) =>
        ProducerLoop.RunAsync(interval, once, PollAsync, sender, "metrics-slurm", log, TimeProvider.System, cancellationToken);

    private async Task<bool> PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            await collector.PollAsync(cancellationToken).ConfigureAwait(false);
            if (_failures > 0)
            {
                await log.WriteLineAsync($"metrics-slurm: the controller answers again after {_failures} failed poll(s)")
                    .ConfigureAwait(false);
            }

            _failures = 0;
            return true;
        }
        catch (Exception ex) when (ex is SlurmUnavailableException or FormatException or JsonException or IOException)
        {
            _failures++;
            if (_failures <= 3 || _failures % 30 == 0)
            {
                await log.WriteLineAsync($"metrics-slurm: poll failed ({ex.Message}); trying again next interval").ConfigureAwait(false);
            }

            return false;
        }
    }
}
