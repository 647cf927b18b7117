using Metrics.Core.Compaction;

namespace Metrics.Storage;

/// <summary>Wires compaction to its Azure storage adapters; used by the Functions app and the CLI alike.</summary>
public static class CompactionStorage
{
    public static LandedCompaction Create(
        StorageClients clients,
        TimeProvider timeProvider,
        TimeSpan grace,
        int maxRowsInMemory = HourCompactor.DefaultMaxRowsInMemory
    )
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new LandedCompaction(
            new TableWorkMarks(clients.Tables, timeProvider),
            new HourCompactor(new BlobLandedFiles(clients.Blobs), timeProvider) { MaxRowsInMemory = maxRowsInMemory },
            // The rollup's lock: compaction holds up to a few hundred MB, the rollup as much again, and sharing the lock
            // keeps the two from ever adding up in one instance. A compaction's half minute delays a rollup, no more.
            new BlobWorkLock(clients.Blobs),
            timeProvider
        )
        {
            Grace = grace,
        };
    }
}
