namespace Metrics.Tests.Shared.Fakes;

/// <summary>A process-local stand-in for the blob-lease lock.</summary>
public sealed class InMemoryRollupLock : IRollupLock
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Cancel it to simulate a lock lost while held (a failed renewal).</summary>
    public CancellationTokenSource Lost { get; } = new();

    public async Task<IRollupLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
        {
            throw new Metrics.Core.Ports.RollupLockBusyException("rollup lock busy");
        }

        return new Lease(_gate, Lost.Token);
    }

    private sealed class Lease(SemaphoreSlim gate, CancellationToken lost) : IRollupLease
    {
        public CancellationToken Lost => lost;

        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
