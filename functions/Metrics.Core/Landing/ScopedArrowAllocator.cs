using Apache.Arrow.Memory;

namespace Metrics.Core.Landing;

/// <summary>
/// Where an Arrow writer puts each compressed buffer of one file: arrays rented from the shared pool, all returned
/// when the file is written. The writer never disposes what it allocates, and its default allocator takes native memory
/// and reports it to the GC as memory pressure: every landed file then cost a dozen finalizable buffers, and an ingest
/// batch a full (gen 2) collection every few batches (IngestBenchmarks).
/// </summary>
internal sealed class ScopedArrowAllocator : MemoryAllocator, IDisposable
{
    private readonly List<IMemoryOwner<byte>> _rented = [];

    protected override IMemoryOwner<byte> AllocateInternal(int length, out int bytesAllocated)
    {
        bytesAllocated = length;
        IMemoryOwner<byte> owner = MemoryPool<byte>.Shared.Rent(length);
        _rented.Add(owner);
        return owner;
    }

    /// <summary>Returns every buffer; call it only once the file they made is written out.</summary>
    public void Dispose()
    {
        foreach (IMemoryOwner<byte> owner in _rented)
        {
            owner.Dispose();
        }

        _rented.Clear();
    }
}
