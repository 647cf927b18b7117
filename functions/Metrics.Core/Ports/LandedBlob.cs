namespace Metrics.Core.Ports;

/// <summary>One blob in an hour's folder as listed: its path, size, and row count from its manifest metadata if any.</summary>
public sealed record LandedBlob(string Path, long Bytes, long? Rows);
