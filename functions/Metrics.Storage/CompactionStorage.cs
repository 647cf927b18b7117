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
            new HourCompactor(new BlobLandedFiles(clients.Blobs), timeProvider)
            {
                MaxRowsInMemory = maxRowsInMemory,
                Lake = new BlobLakeStore(clients.Blobs),
            },
            // A forced range (metrics compact --from --to) runs under the rollup's lock, as one run; queued units need none.
            new BlobWorkLock(clients.Blobs),
            timeProvider
        )
        {
            Grace = grace,
        };
    }

    /// <summary>Compaction's queue of units (<c>compaction-units</c>, with the account's name prefix).</summary>
    public static QueueWorkQueue Queue(StorageClients clients) => new(clients, QueueWorkQueue.CompactionUnits);

    /// <summary>How a queued unit is run, its failures recorded in table <c>unitfailures</c>.</summary>
    public static QueuedUnitRunner Runner(StorageClients clients, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new QueuedUnitRunner(new TableUnitFailures(clients.Tables), timeProvider);
    }

    /// <summary>Plans, then works compaction's queue until it is empty, in this process (<c>metrics compact</c>, the demo).</summary>
    public static Task<CompactionResult> RunPendingAsync(
        StorageClients clients,
        LandedCompaction compaction,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        IProgress<string>? progress = null
    )
    {
        ArgumentNullException.ThrowIfNull(compaction);
        return compaction.RunPendingAsync(Queue(clients), Runner(clients, timeProvider), cancellationToken, progress);
    }
}
