namespace Metrics.Tests.Shared.Fakes;

/// <summary>A process-local stand-in for the blob-lease lock.</summary>
public sealed class InMemoryWorkLock : IWorkLock
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    private long _generation;

    /// <summary>Cancel it to simulate a lock lost while held (a failed renewal).</summary>
    public CancellationTokenSource Lost { get; } = new();

    public async Task<IWorkLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
        {
            throw new Metrics.Core.Work.WorkLockBusyException("rollup lock busy");
        }

        return new Lease(_gate, Lost.Token, Interlocked.Increment(ref _generation));
    }

    /// <summary>The same lock, giving up at once instead of after the caller's wait: a held lock fails fast in tests.</summary>
    public IWorkLock Impatient() => new ImpatientView(this);

    private sealed class ImpatientView(InMemoryWorkLock inner) : IWorkLock
    {
        public Task<IWorkLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken) =>
            inner.AcquireAsync(TimeSpan.Zero, cancellationToken);
    }

    private sealed class Lease(SemaphoreSlim gate, CancellationToken lost, long generation) : IWorkLease
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
