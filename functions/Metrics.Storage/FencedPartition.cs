namespace Metrics.Storage;

/// <summary>
/// Replaces one table partition's rows as one fenced writer. The partition keeps a fence row naming the lock generation
/// that last wrote it (<see cref="IWorkLease.Generation"/>). A writer reads the fence, refuses if a later generation
/// wrote there, then sends its rows in transactions that each also rewrite the fence on condition of its ETag, chaining
/// each transaction's new ETag into the next. So once a later writer's first transaction lands, every further
/// transaction of an earlier writer fails whole, and an earlier writer that reads the fence after it refuses at once:
/// the later writer's rows stand. A writer whose transaction fails because the partition moved under it reads again and
/// starts over (it was not fenced out, so it may be the later writer itself).
/// <para>
/// The fence costs no request of its own (it rides in the transactions) except one read per replacement; the price is
/// that a partition's transactions go one after another instead of several at once.
/// </para>
/// </summary>
internal static class FencedPartition
{
    /// <summary>The fence row: ids start alphanumeric, so <c>~</c> sorts after every usage row and no query of one meets it.</summary>
    public const string FenceRow = "~fence";

    /// <summary>OData condition on RowKey that keeps the fence row out of a read of usage rows.</summary>
    public const string UsageRowsOnly = "RowKey lt '~'";

    private const string GenerationProperty = "Generation";

    /// <summary>Starts over at most this often when other writers keep moving the partition.</summary>
    private const int Attempts = 5;

    /// <summary>Makes <paramref name="rows"/> the partition's only rows, unless a later generation wrote it.</summary>
    /// <exception cref="FencedWriteException">A later generation wrote the partition.</exception>
    public static async Task ReplaceAsync(
        TableClient table,
        string partitionKey,
        IReadOnlyList<TableEntity> rows,
        long generation,
        CancellationToken cancellationToken
    )
    {
        for (int attempt = 1; ; attempt++)
        {
            ETag? fence = await ReadFenceAsync(table, partitionKey, generation, cancellationToken).ConfigureAwait(false);
            IEnumerable<TableTransactionAction> actions = await ActionsAsync(table, partitionKey, rows, cancellationToken)
                .ConfigureAwait(false);
            try
            {
                await SubmitChainedAsync(table, partitionKey, actions, generation, fence, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                // Another writer moved the partition after we read it (a fence, or a row we meant to delete): read
                // again. A later generation fences us out there; an earlier one that slipped in is overwritten.
                _ = await ReadFenceAsync(table, partitionKey, generation, cancellationToken).ConfigureAwait(false);
                if (attempt == Attempts)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>The fence's ETag (null: none yet). Throws if a later generation than ours wrote the partition.</summary>
    private static async Task<ETag?> ReadFenceAsync(
        TableClient table,
        string partitionKey,
        long generation,
        CancellationToken cancellationToken
    )
    {
        NullableResponse<TableEntity> read = await table
            .GetEntityIfExistsAsync<TableEntity>(partitionKey, FenceRow, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!read.HasValue)
        {
            return null;
        }

        long written = read.Value!.GetInt64(GenerationProperty) ?? 0;
        if (written > generation)
        {
            throw new FencedWriteException($"{table.Name}/{partitionKey}", generation, written);
        }

        return read.Value.ETag;
    }

    /// <summary>Upserts of the rows, and deletes of every other usage row the partition holds now.</summary>
    private static async Task<IEnumerable<TableTransactionAction>> ActionsAsync(
        TableClient table,
        string partitionKey,
        IReadOnlyList<TableEntity> rows,
        CancellationToken cancellationToken
    )
    {
        var keep = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var stale = new List<string>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}") + " and " + UsageRowsOnly;
        await foreach (
            TableEntity e in table
                .QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken)
                .ConfigureAwait(false)
        )
        {
            if (!keep.Contains(e.RowKey))
            {
                stale.Add(e.RowKey);
            }
        }

        return rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))
            .Concat(
                stale.Select(rk => new TableTransactionAction(
                    TableTransactionActionType.Delete,
                    new TableEntity(partitionKey, rk),
                    ETag.All
                ))
            );
    }

    /// <summary>
    /// The actions in transactions one after another, each led by the fence rewritten on condition of the ETag the
    /// previous one left (or added, if there was none). A partition with nothing to write still takes the fence.
    /// </summary>
    private static async Task SubmitChainedAsync(
        TableClient table,
        string partitionKey,
        IEnumerable<TableTransactionAction> actions,
        long generation,
        ETag? fence,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<IReadOnlyList<TableTransactionAction>> chunks = TableTransactions.Chunk(actions, TableTransactions.MaxActions - 1);
        foreach (
            IReadOnlyList<TableTransactionAction> chunk in chunks.Count > 0
                ? chunks
                :
                [
                    [],
                ]
        )
        {
            var entity = new TableEntity(partitionKey, FenceRow) { [GenerationProperty] = generation };
            TableTransactionAction claim = fence is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, entity);
            Response<IReadOnlyList<Response>> sent = await table
                .SubmitTransactionAsync([claim, .. chunk], cancellationToken)
                .ConfigureAwait(false);
            fence =
                sent.Value[0].Headers.ETag
                ?? throw new InvalidOperationException($"The table service returned no ETag for the fence of {table.Name}/{partitionKey}.");
        }
    }
}
