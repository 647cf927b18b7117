using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Metrics.Agent.Sending;

/// <summary>
/// Sends events with <see cref="EventHubProducerClient"/>, partition key = node, oldest first: whatever the spool holds
/// goes before new events, so order is kept across an outage. When a send fails, everything not yet sent goes (back)
/// to the spool and is retried on the next call.
/// </summary>
public sealed class EventSender(EventHubProducerClient producer, EventSpool spool, string partitionKey, TextWriter log)
{
    /// <summary>Events dropped because the spool was full, since start.</summary>
    public long Dropped { get; private set; }

    public async Task<int> SendAsync(IReadOnlyList<byte[]> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        List<byte[]> pending = [.. spool.ReadAll(), .. events];
        int sent = 0;
        try
        {
            while (sent < pending.Count)
            {
                using EventDataBatch batch = await producer.CreateBatchAsync(new CreateBatchOptions { PartitionKey = partitionKey }, cancellationToken).ConfigureAwait(false);
                int added = 0;
                while (sent + added < pending.Count && batch.TryAdd(new EventData(pending[sent + added])))
                {
                    added++;
                }

                if (added == 0)
                {
                    throw new InvalidOperationException($"An event of {pending[sent].Length} bytes does not fit in an Event Hubs batch.");
                }

                await producer.SendAsync(batch, cancellationToken).ConfigureAwait(false);
                sent += added;
            }

            if (pending.Count > events.Count)
            {
                await log.WriteLineAsync($"metrics-agent: Event Hubs reachable again; sent {pending.Count - events.Count} spooled event(s)").ConfigureAwait(false);
            }

            spool.Replace([]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            int dropped = spool.Replace(pending.GetRange(sent, pending.Count - sent));
            Dropped += dropped;
            await log.WriteLineAsync($"metrics-agent: send failed ({ex.GetType().Name}: {ex.Message.Split('\n')[0]}); {pending.Count - sent - dropped} event(s) spooled in {spool.Path}").ConfigureAwait(false);
            if (dropped > 0)
            {
                await log.WriteLineAsync($"metrics-agent: SPOOL FULL: dropped the {dropped} newest event(s) ({Dropped} since start); raise --spool-max-mb or restore connectivity").ConfigureAwait(false);
            }
        }

        return sent;
    }
}
