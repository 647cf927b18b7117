using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Metrics.Producer.Spooling;

namespace Metrics.Producer.Sending;

/// <summary>
/// Sends the spool's events to Event Hubs, oldest first, each with the partition key the contract gives it (the node for
/// GPU samples, <c>cluster:jobId</c> for job events), and removes from the spool only what Event Hubs took. Runs on its
/// own loop: the producer appends to the spool and wakes it, and never waits for it, so an outage or a hung connection
/// delays sending, never sampling or polling. A failed send is retried with capped exponential backoff; the outage and
/// the recovery are each logged, and a long outage is reminded of, not logged every attempt.
/// </summary>
/// <param name="producer">The Event Hubs client.</param>
/// <param name="spool">Where the events wait.</param>
/// <param name="partitionKeyOf">An event body's partition key. Consecutive events with one key share a batch.</param>
/// <param name="tool">The sending tool's name, which starts each line it logs.</param>
/// <param name="log">Where outages, recoveries and dropped events are reported.</param>
/// <param name="timeProvider">The clock the backoff waits on.</param>
public sealed class EventSender(
    EventHubProducerClient producer,
    EventSpool spool,
    Func<byte[], string> partitionKeyOf,
    string tool,
    TextWriter log,
    TimeProvider timeProvider
)
{
    /// <summary>At most this many events are read from the spool for one Event Hubs batch.</summary>
    private const int EventsPerRead = 500;

    private readonly SemaphoreSlim _wake = new(0, 1);

    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Events Event Hubs took, since start.</summary>
    public long Sent { get; private set; }

    /// <summary>Events Event Hubs can never take (larger than a batch on its own), dropped from the spool's head.</summary>
    public long Unsendable { get; private set; }

    /// <summary>Tells the loop there is something new to send. Never blocks.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Sends until the spool is empty; a failed send throws, and the unsent events stay spooled.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            SpoolRead read = spool.Peek(EventsPerRead, EventSpool.MaxEventBytes);
            if (read.Events.Count == 0)
            {
                return;
            }

            string key = partitionKeyOf(read.Events[0].Body);
            using EventDataBatch batch = await producer
                .CreateBatchAsync(new CreateBatchOptions { PartitionKey = key }, cancellationToken)
                .ConfigureAwait(false);
            int added = 0;
            while (
                added < read.Events.Count
                && (added == 0 || string.Equals(partitionKeyOf(read.Events[added].Body), key, StringComparison.Ordinal))
                && batch.TryAdd(new EventData(read.Events[added].Body))
            )
            {
                added++;
            }

            if (added == 0)
            {
                // Alone in an empty batch and still too large: it can never be sent, and must not hold back the rest.
                byte[] body = read.Events[0].Body;
                spool.Acknowledge(read, 1);
                Unsendable++;
                await log.WriteLineAsync(
                        $"{tool}: DROPPED an event of {body.Length} bytes that exceeds the Event Hubs batch limit of "
                            + $"{batch.MaximumSizeInBytes} bytes ({Unsendable} since start): {Preview(body)}"
                    )
                    .ConfigureAwait(false);
                continue;
            }

            await producer.SendAsync(batch, cancellationToken).ConfigureAwait(false);
            spool.Acknowledge(read, added);
            Sent += added;
        }
    }

    /// <summary>The sending loop: drain, wait to be woken (or for the retry delay after a failure), repeat.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        TimeSpan backoff = FirstBackoff;
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(cancellationToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    await log.WriteLineAsync($"{tool}: Event Hubs reachable again after {failures} failed attempt(s); the spool is sent")
                        .ConfigureAwait(false);
                }

                failures = 0;
                backoff = FirstBackoff;
                await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                if (failures <= 3 || failures % 30 == 0)
                {
                    await log.WriteLineAsync(
                            $"{tool}: send failed ({ex.GetType().Name}: {ex.Message.Split('\n')[0]}); {spool.Count} event(s) "
                                + $"spooled in {spool.Directory}; attempt {failures}, next in {backoff.TotalSeconds:0.#} s"
                        )
                        .ConfigureAwait(false);
                }

                await Task.Delay(backoff, timeProvider, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private static string Preview(byte[] body) =>
        Metrics.Contract.EchoedText.Cut(System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400)), 120);
}
