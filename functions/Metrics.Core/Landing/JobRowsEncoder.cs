using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Landing;

/// <summary>Turns validated job events into one <see cref="JobRowSchema"/> record batch.</summary>
public static class JobRowsEncoder
{
    public static RecordBatch Encode(
        string partitionId,
        IReadOnlyList<(JobEvent Event, RawEvent Raw)> events,
        GpuModelCatalogue? catalogue = null
    ) => Encode(partitionId, events, catalogue ?? GpuModelCatalogue.Empty, ColumnMemory.Unpooled);

    /// <summary>
    /// Encodes into <paramref name="memory"/>, which must outlive every use of the batch. The job's GPU model lands as
    /// the catalogue's canonical id, and as sent in its own column.
    /// </summary>
    internal static RecordBatch Encode(
        string partitionId,
        IReadOnlyList<(JobEvent Event, RawEvent Raw)> events,
        GpuModelCatalogue catalogue,
        ColumnMemory memory
    )
    {
        var columns = new JobRowColumns(events.Count, memory);
        foreach ((JobEvent job, RawEvent raw) in events)
        {
            columns.Append(job, raw, partitionId, catalogue);
        }

        return new RecordBatch(JobRowSchema.Schema, columns.Build(), events.Count);
    }
}
