namespace Metrics.Core.Landing;

/// <summary>
/// A landed file's path and, when the store knows them from the manifest, how many rows it holds and the earliest instant
/// those rows cover (null: unknown, so a reader must open the file to find out).
/// </summary>
public sealed record LandedFileRef(string Path, long? Rows, DateTimeOffset? ReachesFrom = null);
