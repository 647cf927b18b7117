using Metrics.Contract;
using Metrics.Core.Catalogue;
using Metrics.Core.Validation;

namespace Metrics.Storage;

/// <summary>
/// The ingest path on storage, as the functions and the CLI both run it: landed files in Blob, marks in Table, GPU
/// models mapped by the catalogue (re-read at most once a minute) and unknown names recorded for <c>metrics status</c>.
/// </summary>
public static class IngestStorage
{
    public static IngestPipeline CreatePipeline(
        StorageClients clients,
        IngestLimits limits,
        TimeProvider timeProvider,
        Metrics.Core.Observability.PipelineMetrics? metrics = null
    )
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new IngestPipeline(new BlobLandingStore(clients.Blobs), new TableWorkMarks(clients.Tables, timeProvider), limits)
        {
            Time = timeProvider,
            Metrics = metrics ?? Metrics.Core.Observability.PipelineMetrics.Shared,
            Catalogue = new GpuModelCatalogueCache(new BlobGpuModelStore(clients.Blobs), timeProvider),
            UnknownModels = new TableUnknownModelLog(clients.Tables),
        };
    }
}
