namespace Metrics.Storage;

/// <summary>Table names used by the pipeline. Infrastructure (infra/) creates the same names.</summary>
public static class StorageTables
{
    /// <summary>Dirty-hour marks: PartitionKey = stream (<c>gpu</c>/<c>jobs</c>), RowKey = UTC hour <c>yyyyMMddHH</c>.</summary>
    public const string DirtyHours = "dirtyhours";

    /// <summary>The CLI's local event hub: next sequence number per (stream, partition).</summary>
    public const string Sequences = "ehsequences";
}
