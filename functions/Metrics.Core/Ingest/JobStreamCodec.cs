using Apache.Arrow;
using Metrics.Core.Arrow;
using Metrics.Core.Telemetry;
using Metrics.Core.Validation;

namespace Metrics.Core.Ingest;

/// <summary>The <c>job-event/1</c> stream: one row per job event, filed under the UTC hour of its <c>ts</c>.</summary>
internal sealed class JobStreamCodec : IStreamCodec<JobEvent>
{
    public static JobStreamCodec Instance { get; } = new();

    public TelemetryStream Stream => TelemetryStream.Jobs;

    public string SchemaVersion => JobRowSchema.Version;

    public DecodeResult<JobEvent> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits) =>
        JobEventDecoder.Decode(body, enqueuedTime, limits);

    public DateTimeOffset Timestamp(JobEvent value) => value.Ts;

    public int RowCount(JobEvent value) => 1;

    public DateTimeOffset? ReachesFrom(JobEvent value) => null;

    /// <summary>
    /// Only the landing hour is marked. Which earlier hours a job event re-bills depends on the job's durable state,
    /// which the billing rollup owns; it expands the mark itself.
    /// </summary>
    public void AddAffectedHours(JobEvent value, ICollection<DateTimeOffset> hours) { }

    public RecordBatch Encode(string partitionId, IReadOnlyList<(JobEvent Value, RawEvent Raw)> items) =>
        JobRowsEncoder.Encode(partitionId, items);
}
