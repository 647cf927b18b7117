using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Catalogue;
using Metrics.Core.Landing;
using Metrics.Core.Usage;

namespace Metrics.Core.Ingest;

/// <summary>The <c>job-event/1</c> stream: one row per job event, filed under the UTC hour it was enqueued in.</summary>
internal sealed class JobStreamCodec : IStreamCodec<JobEvent>
{
    public static JobStreamCodec Instance { get; } = new();

    public TelemetryStream Stream => TelemetryStream.Jobs;

    public string SchemaVersion => JobRowSchema.Version;

    public DecodeResult<JobEvent> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits) =>
        JobEventDecoder.Decode(body, enqueuedTime, limits);

    public DateTimeOffset Timestamp(JobEvent value) => value.Ts;

    /// <summary>
    /// The hour the event arrived (its enqueued time), not the hour of its <c>ts</c>: job events are few and span many
    /// hours (a batch of the national hour names jobs started up to 14 hours before), and filed by <c>ts</c> a batch
    /// became a dozen tiny files, each one more write, listing entry and read. Nothing reads job events by the hour of
    /// their <c>ts</c>: the rollup folds whatever arrived into the runs' durable states, in any order, and a run's
    /// usage follows from its state. Filed by arrival, a batch lands as one file (two when its events straddle an
    /// hour), and an hour's folder is complete once the hour has passed, which is what compaction waits for.
    /// </summary>
    public DateTimeOffset FileHour(JobEvent value, RawEvent raw) => UtcHours.Floor(raw.EnqueuedTime);

    public int RowCount(JobEvent value) => 1;

    public DateTimeOffset? ReachesFrom(JobEvent value) => null;

    /// <summary>
    /// Only the landing hour is marked. Which earlier hours a job event re-bills depends on the job's durable state,
    /// which the billing rollup owns; it expands the mark itself.
    /// </summary>
    public void AddAffectedHours(JobEvent value, ICollection<DateTimeOffset> hours) { }

    public void CountUnknownModels(JobEvent value, GpuModelCatalogue catalogue, Dictionary<string, long> rowsByName)
    {
        if (!catalogue.Knows(value.GpuModel))
        {
            CollectionsMarshal.GetValueRefOrAddDefault(rowsByName, value.GpuModel, out _)++;
        }
    }

    public RecordBatch Encode(
        string partitionId,
        IReadOnlyList<(JobEvent Value, RawEvent Raw)> items,
        GpuModelCatalogue catalogue,
        ColumnMemory memory
    ) => JobRowsEncoder.Encode(partitionId, items, catalogue, memory);
}
