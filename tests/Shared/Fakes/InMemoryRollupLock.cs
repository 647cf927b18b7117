using Metrics.Core.Ports;

namespace Metrics.Tests.Shared.Fakes;

/// <summary>A process-local stand-in for the blob-lease lock.</summary>
public sealed class InMemoryRollupLock : IRollupLock
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IAsyncDisposable> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException("rollup lock busy");
        }

        return new Release(_gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
