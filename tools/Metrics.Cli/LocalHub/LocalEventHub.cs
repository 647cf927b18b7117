using Metrics.Core.Ingest;
using Metrics.Core.Telemetry;
using Metrics.Storage;

namespace Metrics.Cli.LocalHub;

/// <summary>
/// Producer plus a local event hub: places each body on a partition by its partition key, numbers it from the
/// partition's persisted counter, stamps the enqueued time, and hands full batches to <see cref="IngestPipeline"/>,
/// exactly as an Event Hubs trigger invocation would.
/// </summary>
internal sealed class LocalEventHub(IngestPipeline pipeline, TableSequenceCounter sequences, TimeProvider timeProvider, int partitionCount, int batchSize)
{
    private readonly List<byte[]>[] _pending = Enumerable.Range(0, partitionCount).Select(_ => new List<byte[]>(batchSize)).ToArray();

    public LocalHubTotals Totals { get; } = new();

    public async Task SendAsync(TelemetryStream stream, byte[] body, CancellationToken cancellationToken)
    {
        string? key = PartitionKeys.FromBody(stream, body);
        int partition = key is null ? PartitionKeys.Assign(body, partitionCount) : PartitionKeys.Assign(key, partitionCount);
        List<byte[]> pending = _pending[partition];
        pending.Add(body);
        if (pending.Count >= batchSize)
        {
            await FlushAsync(stream, partition, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task FlushAllAsync(TelemetryStream stream, CancellationToken cancellationToken)
    {
        for (int partition = 0; partition < partitionCount; partition++)
        {
            await FlushAsync(stream, partition, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(TelemetryStream stream, int partition, CancellationToken cancellationToken)
    {
        List<byte[]> pending = _pending[partition];
        if (pending.Count == 0)
        {
            return;
        }

        string partitionId = partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
        long first = await sequences.ReserveAsync(stream, partitionId, pending.Count, cancellationToken).ConfigureAwait(false);
        DateTimeOffset enqueued = timeProvider.GetUtcNow();
        var events = new RawEvent[pending.Count];
        for (int i = 0; i < pending.Count; i++)
        {
            events[i] = new RawEvent(pending[i], first + i, enqueued);
        }

        pending.Clear();
        IngestResult result = await pipeline.IngestAsync(new EventBatch(stream, partitionId, events), cancellationToken).ConfigureAwait(false);
        Totals.Add(result);
    }
}
