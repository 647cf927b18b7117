using Apache.Arrow;
using Metrics.Core.Telemetry;
using Metrics.Core.Validation;

namespace Metrics.Core.Ingest;

/// <summary>What the ingest path needs to know about one stream: how to decode an event, place it in time, and encode rows.</summary>
internal interface IStreamCodec<T>
    where T : class
{
    TelemetryStream Stream { get; }

    string SchemaVersion { get; }

    DecodeResult<T> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits);

    /// <summary>The timestamp that decides the file's UTC hour.</summary>
    DateTimeOffset Timestamp(T value);

    int RowCount(T value);

    /// <summary>The earliest instant this value's billing covers, where that is before its timestamp; null when it is not.</summary>
    DateTimeOffset? ReachesFrom(T value);

    /// <summary>Adds the UTC hours whose billing this value can change, beyond the hour it lands in.</summary>
    void AddAffectedHours(T value, ICollection<DateTimeOffset> hours);

    RecordBatch Encode(string partitionId, IReadOnlyList<(T Value, RawEvent Raw)> items);
}
