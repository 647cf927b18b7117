namespace Metrics.Core.Ports;

/// <summary>A pending mark as listed, with the opaque version that clearing it must match.</summary>
public sealed record RollupMark(MarkKind Kind, string Key, string Version);
