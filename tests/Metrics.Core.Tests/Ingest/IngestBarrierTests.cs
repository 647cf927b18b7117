using Apache.Arrow;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Tests.Ingest;

/// <summary>
/// The last-resort barrier: a bug that throws on one event costs that event (dead-lettered as <c>internal-error</c>),
/// never its batch. The fuzz suite shows no hostile body reaches the barrier; these tests show the barrier itself holds.
/// </summary>
public sealed class IngestBarrierTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);

    private readonly InMemoryLandingStore _store = new();
    private readonly InMemoryWorkMarks _dirty = new();

    private static EventBatch Batch(params byte[][] bodies) =>
        new(TelemetryStream.Gpu, "0", bodies.Select((b, i) => new RawEvent(b, i, s_enqueued)).ToArray());

    private static byte[] Sample(string node) => EventJson.Bytes(EventJson.Gpu(node: node, ts: "2026-11-27T10:00:15Z", gpus: 2));

    [Fact]
    public async Task DecodeThatThrows_DeadLettersThatEventOnly_AndLandsTheRest()
    {
        var pipeline = new IngestPipeline(_store, _dirty) { GpuCodec = new FaultyCodec(decodeFailsOn: "gn-bad", encodeFailsOn: null) };

        IngestResult result = await pipeline.IngestAsync(
            Batch(Sample("gn0001"), Sample("gn-bad"), Sample("gn0002")),
            CancellationToken.None
        );

        Assert.Equal((3, 2, 4, 1), (result.Events, result.LandedEvents, result.LandedRows, result.DeadLettered));
        InternalError error = Assert.Single(result.InternalErrors);
        Assert.Equal((1L, "System.InvalidOperationException"), (error.SequenceNumber, error.ExceptionType));
        Assert.Equal(1, result.RejectionsByReason[RejectReason.InternalError]);
        string letters = System.Text.Encoding.UTF8.GetString(
            _store.Files.Values.Single(f => f.Container == LandingPaths.DeadLetterContainer).Content.Span
        );
        Assert.Contains("\"reason\":\"internal-error\"", letters, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: injected", letters, StringComparison.Ordinal);
        Assert.Contains("gn-bad", letters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodeThatThrowsOnOneEvent_IsolatesIt_AndLandsItsHourNeighbours()
    {
        var pipeline = new IngestPipeline(_store, _dirty) { GpuCodec = new FaultyCodec(decodeFailsOn: null, encodeFailsOn: "gn-bad") };

        IngestResult result = await pipeline.IngestAsync(
            Batch(Sample("gn0001"), Sample("gn-bad"), Sample("gn0002")),
            CancellationToken.None
        );

        Assert.Equal((2, 4, 1), (result.LandedEvents, result.LandedRows, result.DeadLettered));
        LandingFile landed = _store.Files.Values.Single(f => f.Container == LandingPaths.TelemetryContainer);
        Assert.Equal("2", landed.Metadata[ManifestKeys.Events]);
        Assert.Equal("gpu/v1/date=2026-11-27/hour=10/p0-000000000000-000000000002.arrow", landed.Path);
    }

    [Fact]
    public void DeadLetterEncoder_LoneSurrogateInDetailOrProperties_IsReplaced_NotThrown()
    {
        var raw = new RawEvent(new byte[] { 0x7b, 0x7d }, 7, s_enqueued, new Dictionary<string, string> { ["k\ud800"] = "v\udc00" });
        var letter = new DeadLetter(raw, new Rejection(RejectReason.InvalidId, "node 'ab\ud83d' does not match"));

        string line = System.Text.Encoding.UTF8.GetString(DeadLetterEncoder.Encode(TelemetryStream.Gpu, "0", [letter]));

        Assert.Contains("ab\ufffd", line, StringComparison.Ordinal);
        Assert.Contains("\"k\ufffd\":\"v\ufffd\"", line, StringComparison.Ordinal);
        Assert.Contains("\"body\":\"{}\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void DeadLetterEncoder_Decode_GivesBackEachReasonAndBodyByteForByte()
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes("{\"schema\":\"x\"}");
        byte[] binary = [0xff, 0x00, 0x0a, 0xc3];
        DeadLetter[] letters =
        [
            new(new RawEvent(text, 1, s_enqueued), new Rejection(RejectReason.InvalidId, "bad id")),
            new(new RawEvent(binary, 2, s_enqueued), new Rejection(RejectReason.NotUtf8, "not UTF-8")),
        ];

        var decoded = DeadLetterEncoder
            .Decode(System.Text.Encoding.UTF8.GetString(DeadLetterEncoder.Encode(TelemetryStream.Gpu, "3", letters)))
            .ToArray();

        Assert.Equal([RejectReason.InvalidId.Code(), RejectReason.NotUtf8.Code()], decoded.Select(d => d.Reason).ToArray());
        Assert.Equal(text, decoded[0].Body);
        Assert.Equal(binary, decoded[1].Body);
    }

    /// <summary>The real GPU codec, except that it throws on bodies naming a given node: a stand-in for a future bug.</summary>
    private sealed class FaultyCodec(string? decodeFailsOn, string? encodeFailsOn) : IStreamCodec<GpuSample>
    {
        private readonly GpuStreamCodec _real = GpuStreamCodec.Instance;

        public TelemetryStream Stream => _real.Stream;

        public string SchemaVersion => _real.SchemaVersion;

        public DecodeResult<GpuSample> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits)
        {
            DecodeResult<GpuSample> result = _real.Decode(body, enqueuedTime, limits);
            return result.IsValid && result.Value.Node == decodeFailsOn ? throw new InvalidOperationException("injected") : result;
        }

        public DateTimeOffset Timestamp(GpuSample value) => _real.Timestamp(value);

        public DateTimeOffset FileHour(GpuSample value, RawEvent raw) => _real.FileHour(value, raw);

        public int RowCount(GpuSample value) => _real.RowCount(value);

        public DateTimeOffset? ReachesFrom(GpuSample value) => _real.ReachesFrom(value);

        public void AddAffectedHours(GpuSample value, ICollection<DateTimeOffset> hours) => _real.AddAffectedHours(value, hours);

        public void CountUnknownModels(GpuSample value, GpuModelCatalogue catalogue, Dictionary<string, long> rowsByName) =>
            _real.CountUnknownModels(value, catalogue, rowsByName);

        public RecordBatch Encode(
            string partitionId,
            IReadOnlyList<(GpuSample Value, RawEvent Raw)> items,
            GpuModelCatalogue catalogue,
            ColumnMemory memory
        ) =>
            items.Any(i => i.Value.Node == encodeFailsOn)
                ? throw new ArgumentException("injected")
                : _real.Encode(partitionId, items, catalogue, memory);
    }
}
