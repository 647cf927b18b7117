using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Catalogue;
using Metrics.Core.Landing;

namespace Metrics.Core.Ingest;

/// <summary>What the ingest path needs to know about one stream: how to decode an event, place it in time, and encode rows.</summary>
internal interface IStreamCodec<T>
    where T : class
{
    TelemetryStream Stream { get; }

    string SchemaVersion { get; }

    DecodeResult<T> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits);

    /// <summary>The event's own time, recorded in the file's manifest.</summary>
    DateTimeOffset Timestamp(T value);

    /// <summary>The UTC hour whose folder the event is filed in.</summary>
    DateTimeOffset FileHour(T value, RawEvent raw);

    int RowCount(T value);

    /// <summary>The earliest instant this value's billing covers, where that is before its timestamp; null when it is not.</summary>
    DateTimeOffset? ReachesFrom(T value);

    /// <summary>Adds the UTC hours whose billing this value can change, beyond the hour it lands in.</summary>
    void AddAffectedHours(T value, ICollection<DateTimeOffset> hours);

    /// <summary>Adds the value's rows whose GPU model name <paramref name="catalogue"/> does not know, by name.</summary>
    void CountUnknownModels(T value, GpuModelCatalogue catalogue, Dictionary<string, long> rowsByName);

    /// <summary>
    /// The items' rows as one record batch, its columns in <paramref name="memory"/>, models mapped by <paramref name="catalogue"/>.
    /// </summary>
    RecordBatch Encode(string partitionId, IReadOnlyList<(T Value, RawEvent Raw)> items, GpuModelCatalogue catalogue, ColumnMemory memory);
}
