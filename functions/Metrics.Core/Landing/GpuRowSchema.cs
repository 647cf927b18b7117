using Apache.Arrow;
using Apache.Arrow.Types;
using Metrics.Core.Catalogue;
using static Metrics.Core.Landing.ArrowColumns;

namespace Metrics.Core.Landing;

/// <summary>
/// Landed GPU rows (<c>gpu/v1</c>): one row per (node sample x GPU). Column names are the contract billing and
/// finance's tools read; a change here is a new schema version.
/// </summary>
public static class GpuRowSchema
{
    public const string Version = "gpu/v1";

    /// <summary>The column names of <c>gpu/v1</c>, for every reader and writer of its files.</summary>
    public static class Columns
    {
        public const string Ts = "ts";

        public const string Cluster = "cluster";

        public const string Node = "node";

        public const string GpuUuid = "gpu_uuid";

        public const string GpuIndex = "gpu_index";

        /// <summary>
        /// The catalogue's canonical id of the model (the rate card's name), or the name as sent when the catalogue does not
        /// know it.
        /// </summary>
        public const string GpuModel = "gpu_model";

        /// <summary>The model's name exactly as the producer sent it (nvidia-smi's <c>NVIDIA H100 80GB HBM3</c>).</summary>
        public const string GpuModelReported = "gpu_model_reported";

        public const string Institution = "institution";

        public const string JobId = "job_id";

        public const string UtilPct = "util_pct";

        public const string MemUsedMib = "mem_used_mib";

        public const string MemTotalMib = "mem_total_mib";

        public const string PowerW = "power_w";

        public const string TempC = "temp_c";

        public const string IntervalS = "interval_s";
    }

    public static Schema Schema { get; } =
        WithLineage(
                new Schema.Builder()
                    .Field(Field(Columns.Ts, UtcTimestamp, nullable: false))
                    .Field(Field(Columns.Cluster, DictionaryStringColumn.Type, nullable: false))
                    .Field(Field(Columns.Node, DictionaryStringColumn.Type, nullable: false))
                    .Field(Field(Columns.GpuUuid, StringType.Default, nullable: false))
                    .Field(Field(Columns.GpuIndex, Int32Type.Default, nullable: false))
                    .Field(Field(Columns.GpuModel, DictionaryStringColumn.Type, nullable: false))
                    .Field(Field(Columns.Institution, DictionaryStringColumn.Type, nullable: true))
                    .Field(Field(Columns.JobId, DictionaryStringColumn.Type, nullable: true))
                    .Field(Field(Columns.UtilPct, DoubleType.Default, nullable: false))
                    .Field(Field(Columns.MemUsedMib, Int64Type.Default, nullable: false))
                    .Field(Field(Columns.MemTotalMib, Int64Type.Default, nullable: false))
                    .Field(Field(Columns.PowerW, DoubleType.Default, nullable: true))
                    .Field(Field(Columns.TempC, DoubleType.Default, nullable: true))
                    .Field(Field(Columns.IntervalS, Int32Type.Default, nullable: false))
                    .Field(Field(Columns.GpuModelReported, DictionaryStringColumn.Type, nullable: false))
            )
            .Metadata(SchemaMetadata.SchemaKey, Version)
            .Build();
}
