using System.Text;
using System.Text.Json;
using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Benchmarks;

/// <summary>
/// What one trigger invocation costs: a batch of 1,000 node samples (8 GPUs each). Against, in the same run, the two
/// limits (docs/scale.md): one bare <see cref="Utf8JsonReader"/> pass over the same bytes (the baseline: no parser can do
/// less) and the naive landing (<see cref="NaiveLanding"/>: JsonSerializer to objects, gzip JSON Lines).
/// The product's paths: decode and validate alone, then the whole ingest to Arrow IPC with ZSTD, minus storage I/O,
/// without a GPU-model catalogue (every name unknown, counted) and with one that knows the name (mapped).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class IngestBenchmarks
{
    private EventBatch _batch = null!;
    private byte[][] _bodies = null!;
    private IngestPipeline _pipeline = null!;
    private IngestPipeline _catalogued = null!;

    [Params(1000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var enqueued = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        _bodies = Enumerable.Range(0, Events).Select(i => Sample(i)).ToArray();
        var events = new RawEvent[Events];
        for (int i = 0; i < Events; i++)
        {
            events[i] = new RawEvent(_bodies[i], i, enqueued);
        }

        _batch = new EventBatch(TelemetryStream.Gpu, "0", events);
        _pipeline = new IngestPipeline(new DiscardingStore(), new DiscardingStore());
        _catalogued = new IngestPipeline(new DiscardingStore(), new DiscardingStore())
        {
            Catalogue = new Metrics.Core.Catalogue.GpuModelCatalogueCache(new DiscardingStore(), TimeProvider.System),
        };
    }

    /// <summary>Every token of every body read once and nothing kept: the floor for any JSON ingest.</summary>
    [Benchmark(Baseline = true)]
    public int BareUtf8JsonReader()
    {
        int tokens = 0;
        foreach (byte[] body in _bodies)
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    [Benchmark]
    public long NaiveJsonSerializerGzip() => NaiveLanding.Land(_bodies);

    [Benchmark]
    public int DecodeAndValidate()
    {
        int rows = 0;
        foreach (RawEvent e in _batch.Events)
        {
            DecodeResult<GpuSample> result = GpuTelemetryDecoder.Decode(e.Body, e.EnqueuedTime);
            rows += result.IsValid ? result.Value.Gpus.Count : 0;
        }

        return rows;
    }

    [Benchmark]
    public async Task<int> IngestToArrow() => (await _pipeline.IngestAsync(_batch, CancellationToken.None)).LandedRows;

    [Benchmark]
    public async Task<int> IngestToArrowThroughCatalogue() => (await _catalogued.IngestAsync(_batch, CancellationToken.None)).LandedRows;

    /// <summary>Events of one partition in the national hour: 2,000 nodes over 32 partitions put 63 nodes on each.</summary>
    internal const int NodesPerPartition = 63;

    /// <summary>
    /// Event <paramref name="i"/> of one partition as the national hour sends it: the 63 nodes take turns, each sending
    /// a 10-second sample of 8 GPUs busy on the node's job, so a batch of 1,000 holds about 16 samples of each node and
    /// 22,680 events make the partition's hour (09:00:10 to 10:00:00).
    /// </summary>
    internal static byte[] Sample(int i, int partition = 0)
    {
        int node = (partition * NodesPerPartition) + (i % NodesPerPartition);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        DateTimeOffset ts = new DateTimeOffset(2026, 11, 27, 9, 0, 10, TimeSpan.Zero).AddSeconds(i / NodesPerPartition * 10);
        var json = new StringBuilder();
        json.Append("{\"schema\":\"gpu-telemetry/1\",\"cluster\":\"hefei-aicc-1\",\"node\":\"gn")
            .Append(node.ToString("D4", invariant))
            .Append("\",\"ts\":\"")
            .Append(ts.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", invariant))
            .Append("\",\"intervalS\":10,\"gpus\":[");
        for (int g = 0; g < 8; g++)
        {
            json.Append(g == 0 ? string.Empty : ",")
                .Append("{\"uuid\":\"GPU-16ad15a6-b480-cd47-2ba8-")
                .Append(((node * 8) + g).ToString("D12", invariant))
                .Append("\",\"index\":")
                .Append(g)
                .Append(",\"model\":\"H100-SXM5-80GB\",\"jobId\":\"")
                .Append(1_000_000 + node)
                .Append("\",\"institution\":\"inst-")
                .Append((node % 5000).ToString("D5", invariant))
                .Append("\",\"utilPct\":")
                .Append(((i * 7) + (g * 13)) % 100)
                .Append(".5,\"memUsedMiB\":")
                .Append(40_000 + (i % 997))
                .Append(",\"memTotalMiB\":81559,\"powerW\":")
                .Append(300 + (i % 400))
                .Append(".3,\"tempC\":")
                .Append(40 + (g * 3))
                .Append('}');
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }

    /// <summary>Measures the pipeline, not storage: files and marks are dropped; the catalogue names the samples' model.</summary>
    private sealed class DiscardingStore : ILandingStore, IWorkMarks, IGpuModelStore
    {
        private static readonly Metrics.Core.Catalogue.GpuModelCatalogue s_catalogue = new([
            new Metrics.Core.Catalogue.GpuModel("H100-SXM5-80GB", ["NVIDIA H100 80GB HBM3", "h100"]),
        ]);

        public Task<Metrics.Core.Catalogue.GpuModelCatalogue> ReadAsync(CancellationToken cancellationToken) =>
            Task.FromResult(s_catalogue);

        public Task ImportAsync(IReadOnlyList<Metrics.Core.Catalogue.GpuModel> models, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task WriteAsync(LandingFile file, CancellationToken cancellationToken) => Task.CompletedTask;

        // The marks a benchmark leaves are no part of what it measures: none is kept.
        public Task MarkAsync(MarkKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<WorkMark>> ListAsync(MarkKind kind, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<WorkMark>>([]);

        public Task<bool> ClearAsync(WorkMark mark, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
