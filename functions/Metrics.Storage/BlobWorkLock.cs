using Azure.Storage.Blobs.Specialized;

namespace Metrics.Storage;

/// <summary>
/// A cross-process lock on a blob lease (<c>locks/rollup</c>). The lease lasts 60 s and is renewed every 15 s while
/// held, so a crashed holder frees the lock within a minute. Lease timing is wall-clock time by nature (the service
/// expires the lease), so this class uses <see cref="TimeProvider.System"/> rather than an injected clock.
/// <para>
/// The holder must know it lost the lease before anyone else can take it. Each renewal is cut off after a short
/// timeout (the SDK's own retries could otherwise outlast the lease), a failed renewal is retried only while the lease
/// surely still runs, and <see cref="IWorkLease.Lost"/> fires once a safety margin before the lease can expire
/// unless a renewal got through: never after.
/// </para>
/// <para>
/// Each holding also takes the next fencing token (<see cref="IWorkLease.Generation"/>), counted in the lock blob's
/// metadata and written under the new lease, so only the holder can advance it and no two holdings share one.
/// </para>
/// </summary>
public sealed class BlobWorkLock(BlobServiceClient blobs, LeaseTimings timings) : IWorkLock
{
    public const string Container = "locks";

    /// <summary>The lock blob; named for its first user, and kept so, so that every version of the app takes the same lock.</summary>
    public const string BlobName = "rollup";

    /// <summary>The lock blob's metadata key that counts holdings: the last fencing token handed out.</summary>
    public const string GenerationKey = "generation";

    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(500);

    public BlobWorkLock(BlobServiceClient blobs)
        : this(blobs, LeaseTimings.Default) { }

    public async Task<IWorkLease> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        TimeProvider timeProvider = TimeProvider.System;
        BlobContainerClient container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        BlobClient blob = container.GetBlobClient(BlobName);
        try
        {
            await blob.UploadAsync(
                    BinaryData.Empty,
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken
                )
                .ConfigureAwait(false);
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
                DateTimeOffset asked = timeProvider.GetUtcNow();
                await lease.AcquireAsync(timings.Duration, cancellationToken: cancellationToken).ConfigureAwait(false);
                var held = new Held(lease, timings, asked, timeProvider);
                try
                {
                    held.Generation = await NextGenerationAsync(blob, lease.LeaseId, cancellationToken).ConfigureAwait(false);
                    return held;
                }
                catch
                {
                    await held.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                if (timeProvider.GetUtcNow() >= deadline)
                {
                    throw new WorkLockBusyException(
                        $"Another rollup or compaction has held the lock for more than {wait.TotalSeconds:0} s; try again later.",
                        ex
                    );
                }

                await Task.Delay(s_poll, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Advances the lock's generation by one and returns it. The write names the lease, so it lands only while this
    /// holding has the lock: two holdings never take the same token.
    /// </summary>
    private static async Task<long> NextGenerationAsync(BlobClient blob, string leaseId, CancellationToken cancellationToken)
    {
        var conditions = new BlobRequestConditions { LeaseId = leaseId };
        BlobProperties properties = (await blob.GetPropertiesAsync(conditions, cancellationToken).ConfigureAwait(false)).Value;
        var metadata = new Dictionary<string, string>(properties.Metadata, StringComparer.Ordinal);
        long last =
            metadata.TryGetValue(GenerationKey, out string? text)
            && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n)
                ? n
                : 0;
        long next = last + 1;
        metadata[GenerationKey] = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await blob.SetMetadataAsync(metadata, conditions, cancellationToken).ConfigureAwait(false);
        return next;
    }

    private sealed class Held : IWorkLease
    {
        private readonly BlobLeaseClient _lease;
        private readonly CancellationTokenSource _stop = new();
        private readonly CancellationTokenSource _lost = new();
        private readonly Task _renewing;

        public Held(BlobLeaseClient lease, LeaseTimings timings, DateTimeOffset acquiredAt, TimeProvider timeProvider)
        {
            _lease = lease;
            _renewing = RenewAsync(timings, acquiredAt, timeProvider);
        }

        public CancellationToken Lost => _lost.Token;

        public long Generation { get; set; }

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
            catch (Exception ex) when (ex is RequestFailedException or AggregateException)
            {
                // The lease already expired or was broken, or storage is unreachable (the SDK gives up with an
                // AggregateException): the lease expires on its own within its duration; the work is done either way.
            }

            _stop.Dispose();
            _lost.Dispose();
        }

        /// <summary>Renews until disposed; fires <see cref="Lost"/> when the lease may run out before the next renewal.</summary>
        private async Task RenewAsync(LeaseTimings timings, DateTimeOffset acquiredAt, TimeProvider timeProvider)
        {
            // The lease runs from when it was asked for at the latest: measure from the request, not the reply.
            DateTimeOffset safeUntil = acquiredAt + timings.Duration - timings.SafetyMargin;
            TimeSpan wait = timings.RenewEvery;
            try
            {
                while (true)
                {
                    TimeSpan left = safeUntil - timeProvider.GetUtcNow();
                    if (left <= TimeSpan.Zero)
                    {
                        // No renewal got through in time: stop the holder before the lease can expire under it.
                        await _lost.CancelAsync().ConfigureAwait(false);
                        return;
                    }

                    await Task.Delay(wait < left ? wait : left, timeProvider, _stop.Token).ConfigureAwait(false);
                    left = safeUntil - timeProvider.GetUtcNow();
                    if (left <= TimeSpan.Zero)
                    {
                        continue;
                    }

                    // One attempt, cut off at the timeout or when the lease may run out, whichever is first.
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    attempt.CancelAfter(timings.RenewTimeout < left ? timings.RenewTimeout : left);
                    DateTimeOffset asked = timeProvider.GetUtcNow();
                    try
                    {
                        await _lease.RenewAsync(cancellationToken: attempt.Token).ConfigureAwait(false);
                        safeUntil = asked + timings.Duration - timings.SafetyMargin;
                        wait = timings.RenewEvery;
                    }
                    catch (RequestFailedException ex) when (ex.Status is 409 or 412)
                    {
                        // The service says the lease is gone or someone else's: lost now, whatever the clock says.
                        await _lost.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                    catch (Exception ex)
                        when (!_stop.IsCancellationRequested
                            && ex
                                is OperationCanceledException
                                    or RequestFailedException
                                    or IOException
                                    or System.Net.Http.HttpRequestException
                        )
                    {
                        // A timeout or an unreachable service: try again soon, but only while the lease surely runs.
                        wait = timings.RetryEvery;
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Disposed: the holder finished.
            }
        }
    }
}
