namespace Metrics.Core.Ingest;

/// <summary>Durable file storage for landed Arrow files and dead letters (Blob storage in production).</summary>
public interface ILandingStore
{
    /// <summary>
    /// Writes <paramref name="file"/>, replacing a file of the same name. Throws if the write is not durable. The file's
    /// content lives in pooled memory that is reused once this returns: a store that keeps it copies it.
    /// </summary>
    Task WriteAsync(LandingFile file, CancellationToken cancellationToken);
}
