using Apache.Arrow;
using Apache.Arrow.Types;
using static Metrics.Core.Arrow.ArrowColumns;

namespace Metrics.Core.Arrow;

/// <summary>Landed job rows (<c>jobs/v1</c>): one row per job event, the contract's fields in snake_case.</summary>
public static class JobRowSchema
{
    public const string Version = "jobs/v1";

    public static Schema Schema { get; } = WithLineage(new Schema.Builder()
        .Field(Field("event_id", StringType.Default, nullable: false))
        .Field(Field("cluster", DictionaryStringColumn.Type, nullable: false))
        .Field(Field("job_id", StringType.Default, nullable: false))
        .Field(Field("state", DictionaryStringColumn.Type, nullable: false))
        .Field(Field("ts", UtcTimestamp, nullable: false))
        .Field(Field("institution", DictionaryStringColumn.Type, nullable: false))
        .Field(Field("account", DictionaryStringColumn.Type, nullable: true))
        .Field(Field("user", DictionaryStringColumn.Type, nullable: true))
        .Field(Field("queue", DictionaryStringColumn.Type, nullable: true))
        .Field(Field("submit_time", UtcTimestamp, nullable: true))
        .Field(Field("start_time", UtcTimestamp, nullable: false))
        .Field(Field("end_time", UtcTimestamp, nullable: true))
        .Field(Field("gpus", DoubleType.Default, nullable: false))
        .Field(Field("gpu_model", DictionaryStringColumn.Type, nullable: false))
        .Field(Field("cpus", Int32Type.Default, nullable: true))
        .Field(Field("mem_gib", DoubleType.Default, nullable: true))
        .Field(Field("exit_state", DictionaryStringColumn.Type, nullable: true)))
        .Metadata(SchemaMetadata.SchemaKey, Version)
        .Build();
}
