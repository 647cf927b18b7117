using Apache.Arrow;
using Apache.Arrow.Types;
using Metrics.Core.Catalogue;
using static Metrics.Core.Landing.ArrowColumns;

namespace Metrics.Core.Landing;

/// <summary>Landed job rows (<c>jobs/v1</c>): one row per job event, the contract's fields in snake_case.</summary>
public static class JobRowSchema
{
    public const string Version = "jobs/v1";

    /// <summary>The column names of <c>jobs/v1</c>, for every reader and writer of its files.</summary>
    public static class Columns
    {
        public const string EventId = "event_id";

        public const string Cluster = "cluster";

        public const string JobId = "job_id";

        public const string State = "state";

        public const string Ts = "ts";

        public const string Institution = "institution";

        public const string Account = "account";

        public const string User = "user";

        public const string Queue = "queue";

        public const string SubmitTime = "submit_time";

        public const string StartTime = "start_time";

        public const string EndTime = "end_time";

        public const string Gpus = "gpus";

        /// <summary>
        /// The catalogue's canonical id of the model (the rate card's name), or the name as sent when the catalogue does not
        /// know it.
        /// </summary>
        public const string GpuModel = "gpu_model";

        /// <summary>The model's name exactly as the producer sent it (the scheduler's gres type, <c>h100</c>).</summary>
        public const string GpuModelReported = "gpu_model_reported";

        public const string Cpus = "cpus";

        public const string MemGib = "mem_gib";

        public const string ExitState = "exit_state";
    }

    public static Schema Schema { get; } =
        WithLineage(
                new Schema.Builder()
                    .Field(Field(Columns.EventId, StringType.Default, nullable: false))
                    .Field(Field(Columns.Cluster, DictionaryStringColumn.Type, nullable: false))
                    .Field(Field(Columns.JobId, StringType.Default, nullable: false))
                    .Field(Field(Columns.State, DictionaryStringColumn.Type, nullable: false))
                    .Field(Field(Columns.Ts, UtcTimestamp, nullable: false))
                    .Field(Field(Columns.Institution, DictionaryStringColumn.Type, nullable: false))
                    .Field(Field(Columns.Account, DictionaryStringColumn.Type, nullable: true))
                    .Field(Field(Columns.User, DictionaryStringColumn.Type, nullable: true))
                    .Field(Field(Columns.Queue, DictionaryStringColumn.Type, nullable: true))
                    .Field(Field(Columns.SubmitTime, UtcTimestamp, nullable: true))
                    .Field(Field(Columns.StartTime, UtcTimestamp, nullable: false))
                    .Field(Field(Columns.EndTime, UtcTimestamp, nullable: true))
                    .Field(Field(Columns.Gpus, DoubleType.Default, nullable: false))
                    .Field(Field(Columns.GpuModel, DictionaryStringColumn.Type, nullable: false))
                    .Field(Field(Columns.Cpus, Int32Type.Default, nullable: true))
                    .Field(Field(Columns.MemGib, DoubleType.Default, nullable: true))
                    .Field(Field(Columns.ExitState, DictionaryStringColumn.Type, nullable: true))
                    .Field(Field(Columns.GpuModelReported, DictionaryStringColumn.Type, nullable: false))
            )
            .Metadata(SchemaMetadata.SchemaKey, Version)
            .Build();
}
