namespace Metrics.Core.Ports;

/// <summary>A landed file's path and, when the store knows it from the manifest, how many rows it holds.</summary>
public sealed record LandedFileRef(string Path, long? Rows);
