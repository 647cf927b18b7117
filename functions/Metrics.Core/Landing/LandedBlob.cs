namespace Metrics.Core.Landing;

/// <summary>
/// One blob in an hour's folder as listed: its path, size, and from its manifest metadata, if any, its row count and the
/// earliest instant its rows cover (<see cref="Ingest.ManifestKeys.ReachesFrom"/>).
/// </summary>
public sealed record LandedBlob(string Path, long Bytes, long? Rows, DateTimeOffset? ReachesFrom = null);
