using Microsoft.IO;

namespace Metrics.Core.Landing;

/// <summary>
/// Pooled memory streams for whole files held in memory for a moment: each Arrow file an ingest batch writes (until it
/// is uploaded) and each landed file the rollup downloads (until it is read). A national hour is about 800 of each, of
/// about 90 KB: as growing <see cref="MemoryStream"/>s they cost some 350 KB of fresh, zeroed memory apiece, on the large
/// object heap, and a good share of both processes' time in the GC. Disposing a stream returns its memory.
/// </summary>
public static class PooledStreams
{
    /// <summary>
    /// 128 KB blocks hold a landed file of 1,000 events in one; bigger files (batches of up to 10,000 events) use 1 MB
    /// multiples. What the pools keep free is capped, so an idle process holds at most 64 MB of them.
    /// </summary>
    private static readonly RecyclableMemoryStreamManager s_manager = new(
        new RecyclableMemoryStreamManager.Options
        {
            BlockSize = 128 * 1024,
            LargeBufferMultiple = 1024 * 1024,
            MaximumBufferSize = 32 * 1024 * 1024,
            MaximumSmallPoolFreeBytes = 32 * 1024 * 1024,
            MaximumLargePoolFreeBytes = 32 * 1024 * 1024,
        }
    );

    /// <summary>An empty stream; <paramref name="tag"/> names its use in the pool's diagnostics.</summary>
    public static RecyclableMemoryStream Get(string tag) => s_manager.GetStream(tag);

    /// <summary>An empty stream with room for <paramref name="bytes"/>: a download of known length.</summary>
    public static RecyclableMemoryStream Get(string tag, long bytes) => s_manager.GetStream(tag, bytes);

    /// <summary>The stream's bytes as one span of memory, valid until the stream is disposed (no copy when they fit a block).</summary>
    public static ReadOnlyMemory<byte> Contents(RecyclableMemoryStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.GetBuffer().AsMemory(0, checked((int)stream.Length));
    }
}
