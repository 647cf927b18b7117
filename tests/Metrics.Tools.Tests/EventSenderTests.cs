using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
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
    private int _failuresLeft;
    private int _maxEventBytes = int.MaxValue;

    public EventSenderTests()
    {
        _producer
            .Setup(p => p.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()))
            .Returns(
                (CreateBatchOptions options, CancellationToken _) =>
                {
                    var store = new List<EventData>();
                    _partitionKeys.Add(options.PartitionKey);
                    // A small batch (3 events) so that sends span several batches.
                    EventDataBatch batch = EventHubsModelFactory.EventDataBatch(
                        1024,
                        store,
                        options,
                        e => store.Count < 3 && e.EventBody.ToArray().Length <= _maxEventBytes
                    );
                    _stores[batch] = store;
                    return ValueTask.FromResult(batch);
                }
            );
        _producer
            .Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .Returns(
                (EventDataBatch batch, CancellationToken _) =>
                {
                    if (_down || Interlocked.Decrement(ref _failuresLeft) >= 0)
                    {
                        throw new EventHubsException(
                            isTransient: true,
                            "gpu-telemetry",
                            "connection refused",
                            EventHubsException.FailureReason.ServiceCommunicationProblem
                        );
                    }

                    lock (_delivered)
                    {
                        _delivered.AddRange(_stores[batch].Select(e => e.EventBody.ToString()));
                    }

                    return Task.CompletedTask;
                }
            );
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[][] Events(int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(i => Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")).ToArray();

    private static IEnumerable<string> Expected(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"{{\"n\":{i}}}");

    private EventSpool Spool() => new(Path.Combine(_dir, "spool"), 1 << 20);

    private static void Append(EventSpool spool, IEnumerable<byte[]> events)
    {
        foreach (byte[] body in events)
        {
            Assert.True(spool.Append(body).Queued);
        }
    }

    [Fact]
    public async Task Drain_FailureThenRecovery_SendsEveryEventExactlyOnceInOrder()
    {
        using EventSpool spool = Spool();
        var sender = new EventSender(_producer.Object, spool, _ => "gn0412", "metrics-agent", TextWriter.Null, TimeProvider.System);

        Append(spool, Events(1, 2));
        await sender.DrainAsync(CancellationToken.None);
        _down = true;
        Append(spool, Events(3, 5));
        await Assert.ThrowsAsync<EventHubsException>(() => sender.DrainAsync(CancellationToken.None));
        Append(spool, Events(6, 6));
        await Assert.ThrowsAsync<EventHubsException>(() => sender.DrainAsync(CancellationToken.None));
        Assert.Equal(4, spool.Count);
        _down = false;
        Append(spool, Events(7, 8));
        await sender.DrainAsync(CancellationToken.None);

        Assert.Equal(Expected(1, 8), _delivered);
        Assert.Equal(0, spool.Count);
        Assert.Equal(8, sender.Sent);
        Assert.Empty(Directory.GetFiles(spool.Directory, "seg-*"));
        Assert.All(_partitionKeys, k => Assert.Equal("gn0412", k));
    }

    /// <summary>
    /// Job events carry one partition key per job (<c>cluster:jobId</c>): each batch holds one key's events, in spool
    /// order, so a job's events stay in order on its partition.
    /// </summary>
    [Fact]
    public async Task Drain_PerEventPartitionKeys_BatchesEachRunOfOneKeyUnderThatKey()
    {
        using EventSpool spool = Spool();
        var sender = new EventSender(
            _producer.Object,
            spool,
            body => Encoding.UTF8.GetString(body).Contains("\"n\":2", StringComparison.Ordinal) ? "c:2" : "c:1",
            "metrics-slurm",
            TextWriter.Null,
            TimeProvider.System
        );

        Append(spool, Events(1, 1));
        Append(spool, Events(2, 2));
        Append(spool, Events(1, 1));
        await sender.DrainAsync(CancellationToken.None);

        Assert.Equal(["c:1", "c:2", "c:1"], _partitionKeys);
        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":1}"], _delivered);
        Assert.Equal(0, spool.Count);
    }

    [Fact]
    public async Task Drain_SpoolSurvivesARestartOfTheAgent()
    {
        _down = true;
        using (EventSpool spool = Spool())
        {
            Append(spool, Events(1, 3));
            await Assert.ThrowsAsync<EventHubsException>(() =>
                new EventSender(_producer.Object, spool, _ => "gn0412", "metrics-agent", TextWriter.Null, TimeProvider.System).DrainAsync(
                    CancellationToken.None
                )
            );
        }

        _down = false;
        using EventSpool reopened = Spool();
        Append(reopened, Events(4, 4));
        await new EventSender(_producer.Object, reopened, _ => "gn0412", "metrics-agent", TextWriter.Null, TimeProvider.System).DrainAsync(
            CancellationToken.None
        );

        Assert.Equal(Expected(1, 4), _delivered);
    }

    [Fact]
    public async Task Drain_AnEventTooLargeForABatch_IsDroppedLoudlyAndDoesNotBlockTheOnesBehindIt()
    {
        _maxEventBytes = 16;
        using EventSpool spool = Spool();
        var log = new StringWriter();
        var sender = new EventSender(_producer.Object, spool, _ => "gn0412", "metrics-agent", log, TimeProvider.System);
        Append(spool, [Encoding.UTF8.GetBytes("{\"n\":\"" + new string('x', 40) + "\"}"), .. Events(1, 4)]);

        await sender.DrainAsync(CancellationToken.None);

        Assert.Equal(Expected(1, 4), _delivered);
        Assert.Equal(1, sender.Unsendable);
        Assert.Equal(0, spool.Count);
        Assert.Contains("DROPPED an event of 48 bytes", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RetriesWithBackoffUntilEventHubsIsBack_AndLogsTheOutageAndTheRecovery()
    {
        using EventSpool spool = Spool();
        var log = new StringWriter();
        var sender = new EventSender(
            _producer.Object,
            spool,
            _ => "gn0412",
            "metrics-agent",
            TextWriter.Synchronized(log),
            TimeProvider.System
        )
        {
            FirstBackoff = TimeSpan.FromMilliseconds(5),
            MaxBackoff = TimeSpan.FromMilliseconds(20),
        };
        _failuresLeft = 5;
        Append(spool, Events(1, 7));
        using var stop = new CancellationTokenSource();

        Task running = sender.RunAsync(stop.Token);
        await WaitUntil(() => _delivered.Count == 7);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.Equal(Expected(1, 7), _delivered);
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Count(l => l.Contains("send failed", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("reachable again after 5 failed attempt(s)", StringComparison.Ordinal));
    }

    /// <summary>A deadlock guard for loops running on other threads, not a timing assertion.</summary>
    internal static async Task WaitUntil(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, guard.Token);
        }
    }
}
