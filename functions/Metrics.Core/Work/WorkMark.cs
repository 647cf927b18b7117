namespace Metrics.Core.Work;

/// <summary>
/// A pending mark as listed, with the opaque version that clearing it must match, and when it was last set (null where
/// the store does not say).
/// </summary>
public sealed record WorkMark(MarkKind Kind, string Key, string Version, DateTimeOffset? MarkedAt = null);
