namespace Metrics.Storage;

/// <summary>
/// A table created on an adapter's first use, once per adapter instance: not a round trip before every read and write
/// (in the rollup's loops that was one more request per unit of work). Every table adapter ensures its tables this way.
/// </summary>
internal sealed class TableCreatedOnce(TableClient table)
{
    private int _ready;

    /// <summary>The table, for calls that know it exists (after <see cref="EnsureAsync"/>).</summary>
    public TableClient Client => table;

    /// <summary>The table, created first if this instance has not made sure of it yet.</summary>
    public async ValueTask<TableClient> EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ready) == 0)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _ready, 1);
        }

        return table;
    }
}
