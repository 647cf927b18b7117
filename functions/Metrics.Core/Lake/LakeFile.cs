namespace Metrics.Core.Lake;

/// <summary>A file of the lake: its path, size and the generation of what it holds.</summary>
public sealed record LakeFile(string Path, long Bytes, long Generation);
