using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Metrics.Core.Landing;

namespace Metrics.Benchmarks;

/// <summary>
/// The ZSTD level of landed files: one real landed GPU batch (1,000 node samples x 8 GPUs, as ingest writes it) encoded
/// at the library's default level (the baseline) and at levels 1 and 3, in the same run. The file sizes print in the
/// setup, since BenchmarkDotNet measures time and allocations, not output size.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ZstdLevelBenchmarks
{
    private static readonly CompressionCodecFactory s_codecs = new();
    private RecordBatch _batch = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var store = new CapturingStore();
        var enqueued = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        RawEvent[] events = Enumerable.Range(0, 1000).Select(i => new RawEvent(IngestBenchmarks.Sample(i), i, enqueued)).ToArray();
        await new IngestPipeline(store, store).IngestAsync(new EventBatch(TelemetryStream.Gpu, "0", events), CancellationToken.None);
        using ArrowFileReader reader = ArrowIpc.OpenFile(new MemoryStream(store.Landed!));
        _batch = (await reader.ReadNextRecordBatchAsync())!;
        Console.WriteLine(
            $"// landed file of {_batch.Length} rows: default level {Write(null).Length} bytes, level 1 {Write(1).Length} bytes, level 3 "
                + $"{Write(3).Length} bytes"
        );
    }

    [Benchmark(Baseline = true)]
    public int DefaultLevel() => Write(null).Length;

    [Benchmark]
    public int Level1() => Write(1).Length;

    [Benchmark]
    public int Level3() => Write(3).Length;

    private byte[] Write(int? level)
    {
        using var stream = new MemoryStream();
        var options = new IpcOptions
        {
            CompressionCodecFactory = s_codecs,
            CompressionCodec = CompressionCodecType.Zstd,
            CompressionLevel = level,
        };
        using (var writer = new ArrowFileWriter(stream, _batch.Schema, leaveOpen: true, options))
        {
            writer.WriteRecordBatch(_batch);
            writer.WriteEnd();
        }

        return stream.ToArray();
    }

    private sealed class CapturingStore : ILandingStore, IWorkMarks
    {
        public byte[]? Landed { get; private set; }

        public Task WriteAsync(LandingFile file, CancellationToken cancellationToken)
        {
            if (file.ContentType == ArrowIpc.ContentType)
            {
                Landed = file.Content.ToArray();
            }

            return Task.CompletedTask;
        }

        // The marks a benchmark leaves are no part of what it measures: none is kept.
        public Task MarkAsync(MarkKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<WorkMark>> ListAsync(MarkKind kind, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<WorkMark>>([]);

        public Task<bool> ClearAsync(WorkMark mark, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
