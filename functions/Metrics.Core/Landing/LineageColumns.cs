namespace Metrics.Core.Landing;

/// <summary>Names of the Event Hubs lineage columns present in every landed file.</summary>
public static class LineageColumns
{
    public const string Partition = "eh_partition";
    public const string Sequence = "eh_sequence";
    public const string Enqueued = "eh_enqueued";
}
