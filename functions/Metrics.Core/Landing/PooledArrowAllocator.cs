using Apache.Arrow.Memory;

namespace Metrics.Core.Landing;

/// <summary>
/// Where the readers of landed files put decompressed buffers: arrays rented from the shared pool and returned when a
/// record batch is disposed. The default allocator takes native memory and reports it to the GC as memory pressure, so
/// a rollup reading thousands of files triggered a full collection every few files and spent about half its time in
/// the GC (RollupScanBenchmarks). Every reader disposes its batches, which is what returns the arrays.
/// </summary>
internal sealed class PooledArrowAllocator : MemoryAllocator
{
    public static PooledArrowAllocator Instance { get; } = new();

    protected override IMemoryOwner<byte> AllocateInternal(int length, out int bytesAllocated)
    {
        bytesAllocated = length;
        return MemoryPool<byte>.Shared.Rent(length);
    }
}
