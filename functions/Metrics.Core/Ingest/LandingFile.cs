namespace Metrics.Core.Ingest;

/// <summary>A file the ingest path wants written: where, what, and its manifest metadata.</summary>
public sealed record LandingFile(
    string Container,
    string Path,
    ReadOnlyMemory<byte> Content,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata
);
