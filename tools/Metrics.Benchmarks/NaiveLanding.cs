using System.IO.Compression;
using System.Text.Json;

namespace Metrics.Benchmarks;

/// <summary>
/// The naive ingest the issue measures against: each body deserialised with <see cref="JsonSerializer"/> into plain
/// objects, a range check per field, and one JSON line per GPU written through gzip. It validates far less than the real
/// decoder (no patterns, no duplicate keys, no key rules), so beating it is a floor, not a boast.
/// </summary>
internal static class NaiveLanding
{
    private static readonly JsonSerializerOptions s_options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static long Land(IReadOnlyList<byte[]> bodies)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            using var writer = new Utf8JsonWriter(gzip);
            foreach (byte[] body in bodies)
            {
                NaiveSample? sample = JsonSerializer.Deserialize<NaiveSample>(body, s_options);
                if (sample is null || sample.Schema != "gpu-telemetry/1" || sample.Gpus is not { Count: > 0 })
                {
                    continue;
                }

                foreach (NaiveGpu gpu in sample.Gpus)
                {
                    if (gpu.UtilPct is < 0 or > 100 || gpu.MemUsedMiB > gpu.MemTotalMiB)
                    {
                        continue;
                    }

                    JsonSerializer.Serialize(
                        writer,
                        new NaiveRow(sample.Cluster, sample.Node, sample.Ts, sample.IntervalS, gpu),
                        s_options
                    );
                    writer.Flush();
                    writer.Reset();
                    gzip.WriteByte((byte)'\n');
                }
            }
        }

        return output.Length;
    }

    internal sealed class NaiveSample
    {
        public string? Schema { get; set; }

        public string? Cluster { get; set; }

        public string? Node { get; set; }

        public DateTimeOffset Ts { get; set; }

        public int IntervalS { get; set; }

        public List<NaiveGpu>? Gpus { get; set; }
    }

    internal sealed class NaiveGpu
    {
        public string? Uuid { get; set; }

        public int Index { get; set; }

        public string? Model { get; set; }

        public string? JobId { get; set; }

        public string? Institution { get; set; }

        public double UtilPct { get; set; }

        public long MemUsedMiB { get; set; }

        public long MemTotalMiB { get; set; }

        public double? PowerW { get; set; }

        public double? TempC { get; set; }
    }

    internal sealed record NaiveRow(string? Cluster, string? Node, DateTimeOffset Ts, int IntervalS, NaiveGpu Gpu);
}
