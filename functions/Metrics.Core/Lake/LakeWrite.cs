namespace Metrics.Core.Lake;

/// <summary>What writing to the lake did: files written, rows read and kept (one per distinct sample or event), bytes.</summary>
public sealed record LakeWrite(int Files, long RowsIn, long RowsOut, long Bytes)
{
    public static readonly LakeWrite None = new(0, 0, 0, 0);

    public LakeWrite Add(LakeWrite other) => new(Files + other.Files, RowsIn + other.RowsIn, RowsOut + other.RowsOut, Bytes + other.Bytes);
}
