namespace Metrics.Tests.Shared.Fakes;

/// <summary>A process-local stand-in for the blob-lease lock.</summary>
public sealed class InMemoryRollupLock : IRollupLock
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    private long _generation;

    /// <summary>Cancel it to simulate a lock lost while held (a failed renewal).</summary>
    public CancellationTokenSource Lost { get; } = new();

    public async Task<IRollupLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
        {
            throw new Metrics.Core.Ports.RollupLockBusyException("rollup lock busy");
        }

        return new Lease(_gate, Lost.Token, Interlocked.Increment(ref _generation));
    }

    /// <summary>The same lock, giving up at once instead of after the caller's wait: a held lock fails fast in tests.</summary>
    public IRollupLock Impatient() => new ImpatientView(this);

    private sealed class ImpatientView(InMemoryRollupLock inner) : IRollupLock
    {
        public Task<IRollupLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken) =>
            inner.AcquireAsync(TimeSpan.Zero, cancellationToken);
    }

    private sealed class Lease(SemaphoreSlim gate, CancellationToken lost, long generation) : IRollupLease
    {
        public CancellationToken Lost => lost;

        public long Generation => generation;

        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
