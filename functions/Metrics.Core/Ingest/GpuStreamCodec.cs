using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Catalogue;
using Metrics.Core.Landing;
using Metrics.Core.Usage;

namespace Metrics.Core.Ingest;

/// <summary>The <c>gpu-telemetry/1</c> stream: one row per GPU of each node sample.</summary>
internal sealed class GpuStreamCodec : IStreamCodec<GpuSample>
{
    public static GpuStreamCodec Instance { get; } = new();

    public TelemetryStream Stream => TelemetryStream.Gpu;

    public string SchemaVersion => GpuRowSchema.Version;

    public DecodeResult<GpuSample> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits) =>
        GpuTelemetryDecoder.Decode(body, enqueuedTime, limits);

    public DateTimeOffset Timestamp(GpuSample value) => value.Ts;

    /// <summary>The hour of the sample's <c>ts</c>: an hour's billing reads its own folder (and the next one's first files).</summary>
    public DateTimeOffset FileHour(GpuSample value, RawEvent raw) => UtcHours.Floor(value.Ts);

    public int RowCount(GpuSample value) => value.Gpus.Count;

    public DateTimeOffset? ReachesFrom(GpuSample value) => value.Ts.AddSeconds(-value.IntervalS);

    /// <summary>
    /// A sample covers <c>[ts - intervalS, ts)</c>; when that interval reaches back into the previous hour (always,
    /// for a sample stamped exactly on the hour), billing of that hour changes too, so that hour is marked as well.
    /// </summary>
    public void AddAffectedHours(GpuSample value, ICollection<DateTimeOffset> hours)
    {
        hours.Add(UtcHours.Floor(value.Ts.AddSeconds(-value.IntervalS)));
        hours.Add(UtcHours.Floor(value.Ts.AddTicks(-1)));
    }

    public void CountUnknownModels(GpuSample value, GpuModelCatalogue catalogue, Dictionary<string, long> rowsByName)
    {
        // A sample's GPUs share one pooled name instance as a rule: one catalogue lookup per change of instance.
        string? last = null;
        bool known = true;
        foreach (GpuReading gpu in value.Gpus)
        {
            if (!ReferenceEquals(gpu.Model, last))
            {
                last = gpu.Model;
                known = catalogue.Knows(gpu.Model);
            }

            if (!known)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(rowsByName, gpu.Model, out _)++;
            }
        }
    }

    public RecordBatch Encode(
        string partitionId,
        IReadOnlyList<(GpuSample Value, RawEvent Raw)> items,
        GpuModelCatalogue catalogue,
        ColumnMemory memory
    ) => GpuRowsEncoder.Encode(partitionId, items, catalogue, memory);
}
