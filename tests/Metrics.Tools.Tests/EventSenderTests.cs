using System.Text;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Metrics.Agent.Sending;
using Moq;

namespace Metrics.Tools.Tests;

/// <summary>The agent's sender and spool, with Moq on the Event Hubs producer: outages lose nothing, reorder nothing.</summary>
public sealed class EventSenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-spool-").FullName;
    private readonly List<string> _delivered = [];
    private readonly List<string?> _partitionKeys = [];
    private readonly Mock<EventHubProducerClient> _producer = new();
    private readonly Dictionary<EventDataBatch, List<EventData>> _stores = [];
    private bool _down;

    public EventSenderTests()
    {
        _producer
            .Setup(p => p.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()))
            .Returns((CreateBatchOptions options, CancellationToken _) =>
            {
                var store = new List<EventData>();
                _partitionKeys.Add(options.PartitionKey);
                // A small batch (3 events) so that sends span several batches.
                EventDataBatch batch = EventHubsModelFactory.EventDataBatch(1024, store, options, _ => store.Count < 3);
                _stores[batch] = store;
                return ValueTask.FromResult(batch);
            });
        _producer
            .Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .Returns((EventDataBatch batch, CancellationToken _) =>
            {
                if (_down)
                {
                    throw new EventHubsException(isTransient: true, "gpu-telemetry", "connection refused", EventHubsException.FailureReason.ServiceCommunicationProblem);
                }

                _delivered.AddRange(_stores[batch].Select(e => e.EventBody.ToString()));
                return Task.CompletedTask;
            });
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[][] Events(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")).ToArray();

    [Fact]
    public async Task Send_FailureThenRecovery_SendsEveryEventExactlyOnceInOrder()
    {
        var log = new StringWriter();
        var sender = new EventSender(_producer.Object, new EventSpool(Path.Combine(_dir, "spool.jsonl"), 1 << 20), "gn0412", log);

        await sender.SendAsync(Events(1, 2), CancellationToken.None);
        _down = true;
        await sender.SendAsync(Events(3, 5), CancellationToken.None);
        await sender.SendAsync(Events(6, 6), CancellationToken.None);
        _down = false;
        await sender.SendAsync(Events(7, 8), CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"{{\"n\":{i}}}"), _delivered);
        Assert.False(File.Exists(Path.Combine(_dir, "spool.jsonl")), "the spool is emptied once everything is sent");
        Assert.All(_partitionKeys, k => Assert.Equal("gn0412", k));
        Assert.Contains("spooled", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("sent 4 spooled event(s)", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_SpoolSurvivesARestartOfTheAgent()
    {
        string path = Path.Combine(_dir, "spool.jsonl");
        _down = true;
        await new EventSender(_producer.Object, new EventSpool(path, 1 << 20), "gn0412", TextWriter.Null).SendAsync(Events(1, 3), CancellationToken.None);
        _down = false;

        await new EventSender(_producer.Object, new EventSpool(path, 1 << 20), "gn0412", TextWriter.Null).SendAsync(Events(4, 4), CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 4).Select(i => $"{{\"n\":{i}}}"), _delivered);
    }

    [Fact]
    public async Task Send_SpoolFull_ReportsTheDroppedEventsLoudly()
    {
        var log = new StringWriter();
        var sender = new EventSender(_producer.Object, new EventSpool(Path.Combine(_dir, "spool.jsonl"), 20), "gn0412", log);
        _down = true;

        await sender.SendAsync(Events(1, 5), CancellationToken.None);

        Assert.Equal(3, sender.Dropped);
        Assert.Contains("SPOOL FULL: dropped the 3 newest event(s)", log.ToString(), StringComparison.Ordinal);
        _down = false;
        await sender.SendAsync([], CancellationToken.None);
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], _delivered);
    }
}
