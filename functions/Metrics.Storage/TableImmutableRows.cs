namespace Metrics.Storage;

/// <summary>
/// Rows whose terms never change once written (vouchers, allocations): each is created with a conditional insert, so two
/// writers of one key with different terms cannot both land, and the second learns which case it is in.
/// </summary>
internal static class TableImmutableRows
{
    /// <summary>
    /// Creates the row; false when a writer at the same time created it with the same terms; throws
    /// <paramref name="changed"/>'s refusal when the stored row has other terms.
    /// </summary>
    public static async Task<bool> CreateAsync<T>(
        TableClient table,
        TableEntity entity,
        T value,
        Func<TableEntity, T> read,
        Func<InvalidOperationException> changed,
        CancellationToken cancellationToken
    )
        where T : IEquatable<T>
    {
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            TableEntity stored = (
                await table
                    .GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken)
                    .ConfigureAwait(false)
            ).Value;
            return read(stored).Equals(value) ? false : throw changed();
        }
    }
}
