namespace Metrics.Core.Work;

/// <summary>
/// Keeps a received unit hidden from other workers for as long as it runs, by extending its visibility every half
/// visibility, as the Functions host does for a message its function is still running. So the visibility can be short
/// (a worker that dies gives its unit back soon) and a unit can still run longer than it.
/// </summary>
internal sealed class HiddenWhileRunning : IAsyncDisposable
{
    private readonly IWorkQueue _queue;
    private readonly TimeSpan _visibility;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _extending;
    private QueuedUnit _latest;

    public HiddenWhileRunning(IWorkQueue queue, QueuedUnit received, TimeSpan visibility)
    {
        _queue = queue;
        _visibility = visibility;
        _latest = received;
        _extending = ExtendAsync();
    }

    /// <summary>Stops extending; returns the unit with the receipt settling it needs.</summary>
    public async Task<QueuedUnit> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _extending.ConfigureAwait(false);
        return _latest;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ExtendAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_visibility / 2, _stop.Token).ConfigureAwait(false);
                // Not cancelled mid-request: a receipt the queue issued but this never read would leave the unit unsettleable.
                _latest = await _queue.ExtendAsync(_latest, _visibility, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped: the unit is settled by its worker.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The queue unreachable or the unit taken over: the unit may become visible and run twice, which a unit's
            // idempotence allows; its own worker settles it, or fails to, as if it had not been extended.
        }
    }
}
