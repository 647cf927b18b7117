using Apache.Arrow;
using Apache.Arrow.Types;

namespace Metrics.Core.Landing;

/// <summary>Field and builder helpers shared by the GPU and job schemas.</summary>
internal static class ArrowColumns
{
    /// <summary>Timestamps are microseconds since the epoch, in UTC, as pandas, DuckDB and Spark expect.</summary>
    public static readonly TimestampType UtcTimestamp = new(TimeUnit.Microsecond, "UTC");

    public static Field Field(string name, IArrowType type, bool nullable) => new(name, type, nullable);

    /// <summary>An instant as the timestamp columns hold it: whole microseconds since the epoch (as Arrow's builder truncates).</summary>
    public static long Micros(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static TimestampArray.Builder TimestampBuilder(int capacity)
    {
        var builder = new TimestampArray.Builder(UtcTimestamp);
        builder.Reserve(capacity);
        return builder;
    }

    /// <summary>Appends the three lineage columns every landed row carries, so billing can deduplicate and finance can trace.</summary>
    public static Schema.Builder WithLineage(Schema.Builder builder) =>
        builder
            .Field(Field(LineageColumns.Partition, DictionaryStringColumn.Type, nullable: false))
            .Field(Field(LineageColumns.Sequence, Int64Type.Default, nullable: false))
            .Field(Field(LineageColumns.Enqueued, UtcTimestamp, nullable: false));
}
