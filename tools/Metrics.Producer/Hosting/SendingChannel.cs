using Azure.Messaging.EventHubs.Producer;
using Metrics.Producer.Sending;
using Metrics.Producer.Spooling;

namespace Metrics.Producer.Hosting;

/// <summary>A producer's open way to Event Hubs: its spool and the sender that empties it; disposing closes both.</summary>
public sealed class SendingChannel(EventHubProducerClient producer, EventSpool spool, EventSender sender) : IAsyncDisposable
{
    public EventSpool Spool { get; } = spool;

    public EventSender Sender { get; } = sender;

    public async ValueTask DisposeAsync()
    {
        await producer.DisposeAsync().ConfigureAwait(false);
        Spool.Dispose();
    }
}
