using Apache.Arrow;
using Apache.Arrow.Types;
using static Metrics.Core.Arrow.ArrowColumns;

namespace Metrics.Core.Arrow;

/// <summary>
/// Landed GPU rows (<c>gpu/v1</c>): one row per (node sample x GPU). Column names are the contract billing and
/// finance's tools read; a change here is a new schema version.
/// </summary>
public static class GpuRowSchema
{
    public const string Version = "gpu/v1";

    public static Schema Schema { get; } = WithLineage(new Schema.Builder()
        .Field(Field("ts", UtcTimestamp, nullable: false))
        .Field(Field("cluster", DictionaryStringColumn.Type, nullable: false))
        .Field(Field("node", DictionaryStringColumn.Type, nullable: false))
        .Field(Field("gpu_uuid", StringType.Default, nullable: false))
        .Field(Field("gpu_index", Int32Type.Default, nullable: false))
        .Field(Field("gpu_model", DictionaryStringColumn.Type, nullable: false))
        .Field(Field("institution", DictionaryStringColumn.Type, nullable: true))
        .Field(Field("job_id", DictionaryStringColumn.Type, nullable: true))
        .Field(Field("util_pct", DoubleType.Default, nullable: false))
        .Field(Field("mem_used_mib", Int64Type.Default, nullable: false))
        .Field(Field("mem_total_mib", Int64Type.Default, nullable: false))
        .Field(Field("power_w", DoubleType.Default, nullable: true))
        .Field(Field("temp_c", DoubleType.Default, nullable: true))
        .Field(Field("interval_s", Int32Type.Default, nullable: false)))
        .Metadata(SchemaMetadata.SchemaKey, Version)
        .Build();
}
