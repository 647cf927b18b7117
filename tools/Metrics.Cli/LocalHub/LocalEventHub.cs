namespace Metrics.Cli.LocalHub;

/// <summary>
/// Producer plus a local event hub: places each body on a partition by its partition key, numbers it from the
/// partition's persisted counter, stamps the enqueued time, and hands full batches to <see cref="IngestPipeline"/>,
/// exactly as an Event Hubs trigger invocation would.
/// </summary>
/// <remarks>
/// Like the Functions host, it runs partitions concurrently and each partition's batches one after another, in order:
/// a partition's next batch starts only when its previous one has landed, and at most <c>concurrency</c> batches are in
/// flight at once, so the file is read while earlier batches decode and upload. The first failure stops the run.
/// </remarks>
internal sealed class LocalEventHub(
    IngestPipeline pipeline,
    TableSequenceCounter sequences,
    TimeProvider timeProvider,
    int partitionCount,
    int batchSize,
    int concurrency
)
{
    private readonly PendingBatch[] _pending = Enumerable.Range(0, partitionCount).Select(_ => new PendingBatch(batchSize, 0)).ToArray();
    private readonly Task[] _running = Enumerable.Repeat(Task.CompletedTask, partitionCount).ToArray();
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
    private readonly Lock _totalsLock = new();

    /// <summary>
    /// Each partition's reserved sequence numbers not yet used, <c>[next, end)</c>. Only that partition's batch, which
    /// runs after its previous one, touches them.
    /// </summary>
    private readonly long[] _next = new long[partitionCount];
    private readonly long[] _end = new long[partitionCount];
    private readonly int[] _reservations = new int[partitionCount];

    /// <summary>
    /// A partition reserves numbers for <see cref="FirstBatchesPerReservation"/> batches first, then for twice as many
    /// each time, up to this many: a reservation is two table requests, and one per batch was 40 % of a national hour's
    /// ingest requests. What a run does not use goes back at its end, so reserving ahead costs nothing but a gap should
    /// the process die.
    /// </summary>
    private const int MaxBatchesPerReservation = 64;

    /// <summary>Eight batches: a national hour's partition (23 batches) reserves twice rather than five times.</summary>
    private const int FirstBatchesPerReservation = 8;

    /// <summary>Two batches per core: one decoding while another waits on storage.</summary>
    public static int DefaultConcurrency => Environment.ProcessorCount * 2;

    public LocalHubTotals Totals { get; } = new();

    /// <summary>Places one event; its body is copied before this returns, so the caller may reuse the memory.</summary>
    public Task SendAsync(TelemetryStream stream, ReadOnlySpan<byte> body, CancellationToken cancellationToken)
    {
        string? key = PartitionKeys.FromBody(stream, body);
        int partition = key is null ? PartitionKeys.Assign(body, partitionCount) : PartitionKeys.Assign(key, partitionCount);
        PendingBatch pending = _pending[partition];
        pending.Add(body);
        return pending.Count >= batchSize ? FlushAsync(stream, partition, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Sends every partition's partial batch and waits until every batch has landed.</summary>
    public async Task FlushAllAsync(TelemetryStream stream, CancellationToken cancellationToken)
    {
        for (int partition = 0; partition < partitionCount; partition++)
        {
            await FlushAsync(stream, partition, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_running).ConfigureAwait(false);

        // What was reserved and not used goes back, so that the next run numbers on without a gap.
        for (int partition = 0; partition < partitionCount; partition++)
        {
            string partitionId = PartitionId(partition);
            await sequences
                .ReturnUnusedAsync(stream, partitionId, _end[partition], _next[partition], cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Hands the partition's pending events to a task that runs after the partition's previous batch.</summary>
    private async Task FlushAsync(TelemetryStream stream, int partition, CancellationToken cancellationToken)
    {
        PendingBatch bodies = _pending[partition];
        if (bodies.Count == 0)
        {
            return;
        }

        // The next batch starts with room for as many bytes as this one holds.
        _pending[partition] = new PendingBatch(batchSize, bodies.Bytes);
        Task previous = _running[partition];
        try
        {
            if (previous.IsFaulted)
            {
                // The other partitions' batches finish first, so that nothing is still writing once the failure surfaces.
                await Task.WhenAll(_running)
                    .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
                    .ConfigureAwait(false);
                await previous.ConfigureAwait(false);
            }

            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            bodies.Dispose();
            throw;
        }

        _running[partition] = RunAfterAsync(previous, stream, partition, bodies, cancellationToken);
    }

    private async Task RunAfterAsync(
        Task previous,
        TelemetryStream stream,
        int partition,
        PendingBatch bodies,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await previous.ConfigureAwait(false);
            await IngestAsync(stream, partition, bodies, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The batch has landed (or failed): nothing refers to its bodies any more.
            bodies.Dispose();
            _slots.Release();
        }
    }

    private async Task IngestAsync(TelemetryStream stream, int partition, PendingBatch pending, CancellationToken cancellationToken)
    {
        string partitionId = PartitionId(partition);
        long first = await TakeSequenceNumbersAsync(stream, partition, pending.Count, cancellationToken).ConfigureAwait(false);
        DateTimeOffset enqueued = timeProvider.GetUtcNow();
        var events = new RawEvent[pending.Count];
        for (int i = 0; i < events.Length; i++)
        {
            events[i] = new RawEvent(pending.Body(i), first + i, enqueued);
        }

        // Off the reader's thread: decoding is CPU work that should run beside the next lines being read.
        IngestResult result = await Task.Run(
                () => pipeline.IngestAsync(new EventBatch(stream, partitionId, events), cancellationToken),
                cancellationToken
            )
            .ConfigureAwait(false);
        lock (_totalsLock)
        {
            Totals.Add(result);
        }
    }

    /// <summary>The first of <paramref name="count"/> consecutive numbers for the partition's next batch.</summary>
    private async Task<long> TakeSequenceNumbersAsync(TelemetryStream stream, int partition, int count, CancellationToken cancellationToken)
    {
        if (_end[partition] - _next[partition] < count)
        {
            // Full batches use a reservation up exactly; only a partial last batch could leave a few unused here.
            string partitionId = PartitionId(partition);
            await sequences
                .ReturnUnusedAsync(stream, partitionId, _end[partition], _next[partition], cancellationToken)
                .ConfigureAwait(false);
            int batches = Math.Min(FirstBatchesPerReservation << Math.Min(_reservations[partition]++, 20), MaxBatchesPerReservation);
            int reserve = Math.Max(count, batches * batchSize);
            _next[partition] = await sequences.ReserveAsync(stream, partitionId, reserve, cancellationToken).ConfigureAwait(false);
            _end[partition] = _next[partition] + reserve;
        }

        long first = _next[partition];
        _next[partition] += count;
        return first;
    }

    /// <summary>A partition's id as Event Hubs names it: its number.</summary>
    private static string PartitionId(int partition) => partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
