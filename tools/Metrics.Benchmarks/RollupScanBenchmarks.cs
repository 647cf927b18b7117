using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Core.Compaction;
using Metrics.Core.Landing;
using Metrics.Core.Pricing;
using Metrics.Core.Reports;
using Metrics.Core.Rollup;
using Metrics.Core.Scan;
using Metrics.Core.Usage;

namespace Metrics.Benchmarks;

/// <summary>
/// The rollup's read of one hour against its limit (at most 3x a bare read; docs/scale.md), over the same landed files in the same run: the
/// baseline opens every file with <see cref="ArrowFileReader"/> and sums <c>util_pct</c>, which is the least any reader
/// of these files can do; the product reads the hour with <see cref="ObservedHourReader"/> (deduplicating every sample
/// by GPU and time, summing observed and active seconds per line) and aggregates the hour's lines. The files are what
/// ingest lands for whole hours of national-hour partitions (63 nodes x 8 GPUs every 10 s, batches of 1,000): two
/// partitions make 45,360 events, 362,880 rows in 46 files. <see cref="Layout"/> <c>compacted</c> reads the same hour
/// after <see cref="HourCompactor"/> has rewritten it into one file sorted by GPU and time (docs/scale.md, "Compaction").
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RollupScanBenchmarks
{
    private static readonly DateTimeOffset s_hour = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private readonly Metrics.Tests.Shared.Fakes.InMemoryLandedHourStore _files = new();
    private readonly Metrics.Tests.Shared.Fakes.InMemoryLakeStore _lake = new();

    [Params(2)]
    public int Partitions { get; set; }

    [Params("landed", "compacted")]
    public string Layout { get; set; } = "landed";

    [GlobalSetup]
    public async Task Setup()
    {
        var pipeline = new IngestPipeline(_files, new NoMarks());
        var enqueued = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        int hourOfEvents = IngestBenchmarks.NodesPerPartition * 360;
        for (int p = 0; p < Partitions; p++)
        {
            foreach (int[] batch in Enumerable.Range(0, hourOfEvents).Chunk(1000))
            {
                RawEvent[] events = batch.Select(i => new RawEvent(IngestBenchmarks.Sample(i, partition: p), i, enqueued)).ToArray();
                await pipeline.IngestAsync(
                    new EventBatch(TelemetryStream.Gpu, p.ToString(System.Globalization.CultureInfo.InvariantCulture), events),
                    CancellationToken.None
                );
            }
        }

        if (Layout == "compacted")
        {
            await new HourCompactor(_files, TimeProvider.System) { Lake = _lake }.CompactAsync(
                TelemetryStream.Gpu,
                s_hour,
                CancellationToken.None
            );
        }

        Console.WriteLine($"// {Layout}: {_files.Count} files, {_files.Bytes} bytes");
    }

    [Benchmark(Baseline = true)]
    public async Task<double> BareArrowSumUtil()
    {
        double sum = 0;
        foreach (string path in await _files.ListHourAsync(TelemetryStream.Gpu, s_hour, CancellationToken.None))
        {
            await foreach (
                RecordBatch batch in ArrowIpc.ReadBatchesAsync(await _files.OpenAsync(path, CancellationToken.None), CancellationToken.None)
            )
            {
                foreach (double util in ((DoubleArray)batch.Column(GpuRowSchema.Columns.UtilPct)).Values)
                {
                    sum += util;
                }
            }
        }

        return sum;
    }

    /// <summary>
    /// The compacted hour's lake copy read the way a rollup would have to read it, through Apache Arrow's Parquet reader
    /// into record batches, summing <c>util_pct</c>: against <see cref="BareArrowSumUtil"/> of the compacted Arrow file,
    /// whether one compacted format could serve billing and the lake (docs/lake.md, "Which compacted format").
    /// </summary>
    [Benchmark]
    public async Task<double> ParquetSumUtil()
    {
        double sum = 0;
        await using Stream content = await _lake.OpenAsync(Metrics.Core.Lake.LakePaths.GpuHour(s_hour), CancellationToken.None);
        using var reader = new ParquetSharp.Arrow.FileReader(content);
        using Apache.Arrow.Ipc.IArrowArrayStream batches = reader.GetRecordBatchReader();
        while (await batches.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                foreach (double util in ((DoubleArray)batch.Column(GpuRowSchema.Columns.UtilPct)).Values)
                {
                    sum += util;
                }
            }
        }

        return sum;
    }

    [Benchmark]
    public async Task<int> ObservedHourAndLines()
    {
        var reader = new ObservedHourReader(_files, ObservedHourReader.DefaultMaxSamplesInMemory);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed = await reader.ReadAsync(s_hour, CancellationToken.None);
        return HourlyAggregator.Compute(s_hour, [], observed).Count;
    }

    /// <summary>The marks ingest leaves in the setup are no part of what is measured: none is kept.</summary>
    private sealed class NoMarks : IWorkMarks
    {
        public Task MarkAsync(MarkKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<WorkMark>> ListAsync(MarkKind kind, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<WorkMark>>([]);

        public Task<bool> ClearAsync(WorkMark mark, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
