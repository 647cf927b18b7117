using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Metrics.Core.Ports;

namespace Metrics.Storage;

/// <summary>
/// A cross-process lock on a blob lease (<c>locks/rollup</c>). The lease lasts 60 s and is renewed every 20 s while
/// held, so a crashed holder frees the lock within a minute. Lease timing is wall-clock time by nature (the service
/// expires the lease), so this class uses <see cref="TimeProvider.System"/> rather than an injected clock.
/// </summary>
public sealed class BlobRollupLock(BlobServiceClient blobs) : IRollupLock
{
    public const string Container = "locks";
    public const string BlobName = "rollup";

    private static readonly TimeSpan s_leaseDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_renewEvery = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(500);

    public async Task<IRollupLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        TimeProvider timeProvider = TimeProvider.System;
        BlobContainerClient container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        BlobClient blob = container.GetBlobClient(BlobName);
        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // The lock blob exists already (and may be leased): that is the normal case.
        }

        BlobLeaseClient lease = blob.GetBlobLeaseClient();
        DateTimeOffset deadline = timeProvider.GetUtcNow() + wait;
        while (true)
        {
            try
            {
                await lease.AcquireAsync(s_leaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new Held(lease, timeProvider);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                if (timeProvider.GetUtcNow() >= deadline)
                {
                    throw new TimeoutException($"Another rollup has held the lock for more than {wait.TotalSeconds:0} s; try again later.", ex);
                }

                await Task.Delay(s_poll, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class Held : IRollupLease
    {
        private readonly BlobLeaseClient _lease;
        private readonly CancellationTokenSource _stop = new();
        private readonly CancellationTokenSource _lost = new();
        private readonly Task _renewing;

        public Held(BlobLeaseClient lease, TimeProvider timeProvider)
        {
            _lease = lease;
            _renewing = RenewAsync(timeProvider);
        }

        public CancellationToken Lost => _lost.Token;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _renewing.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RequestFailedException)
            {
                // Cancellation is how the renewal loop ends; a failed renewal means the lease is already gone.
            }

            try
            {
                await _lease.ReleaseAsync().ConfigureAwait(false);
            }
            catch (RequestFailedException)
            {
                // The lease already expired or was broken; the lock is free either way.
            }

            _stop.Dispose();
            _lost.Dispose();
        }

        private async Task RenewAsync(TimeProvider timeProvider)
        {
            using var timer = new PeriodicTimer(s_renewEvery, timeProvider);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    await _lease.RenewAsync(cancellationToken: _stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The lease could not be renewed and will expire: tell the holder to stop before someone else starts.
                await _lost.CancelAsync().ConfigureAwait(false);
            }
        }
    }
}
