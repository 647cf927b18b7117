using Metrics.Core.Catalogue;

namespace Metrics.Storage;

/// <summary>
/// Table <c>unknownmodels</c>: PartitionKey = stream, RowKey = the GPU model name as sent (the contract's model pattern
/// is a valid Table key), with the rows landed under it and when it was first and last seen. The row count is kept
/// with optimistic concurrency; if ingest partitions keep colliding on one name, the last-seen time is still recorded
/// and the count may fall short (the metric <c>metrics.ingest.unknown_model_rows</c> has every row).
/// </summary>
public sealed class TableUnknownModelLog(TableServiceClient tables) : IUnknownModelLog
{
    private const int MaxAttempts = 5;

    private readonly TableCreatedOnce _table = new(tables.GetTableClient(StorageTables.UnknownModels));

    public async Task RecordAsync(
        TelemetryStream stream,
        IReadOnlyDictionary<string, long> rowsByName,
        DateTimeOffset seenAt,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(rowsByName);
        TableClient table = await _table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        foreach ((string name, long rows) in rowsByName)
        {
            Metrics.Core.Validation.TableKeyRules.Require(name, "RowKey");
            await AddAsync(table, stream.Name(), name, rows, seenAt, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<UnknownModelSighting>> ReadAsync(CancellationToken cancellationToken)
    {
        TableClient table = await _table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var sightings = new List<UnknownModelSighting>();
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (TelemetryStreams.TryParse(e.PartitionKey, out TelemetryStream stream))
            {
                sightings.Add(
                    new UnknownModelSighting(
                        e.RowKey,
                        stream,
                        e.GetInt64("Rows") ?? 0,
                        e.GetDateTimeOffset("FirstSeen") ?? DateTimeOffset.MinValue,
                        e.GetDateTimeOffset("LastSeen") ?? DateTimeOffset.MinValue
                    )
                );
            }
        }

        return sightings;
    }

    private static async Task AddAsync(
        TableClient table,
        string stream,
        string name,
        long rows,
        DateTimeOffset seenAt,
        CancellationToken cancellationToken
    )
    {
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            NullableResponse<TableEntity> found = await table
                .GetEntityIfExistsAsync<TableEntity>(stream, name, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            try
            {
                if (!found.HasValue)
                {
                    var entity = new TableEntity(stream, name)
                    {
                        ["Rows"] = rows,
                        ["FirstSeen"] = seenAt,
                        ["LastSeen"] = seenAt,
                    };
                    await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                    return;
                }

                TableEntity current = found.Value!;
                current["Rows"] = (current.GetInt64("Rows") ?? 0) + rows;
                if ((current.GetDateTimeOffset("LastSeen") ?? DateTimeOffset.MinValue) < seenAt)
                {
                    current["LastSeen"] = seenAt;
                }

                await table.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another batch updated the same name first: read its count and add to it.
            }
        }

        var seen = new TableEntity(stream, name) { ["LastSeen"] = seenAt };
        await table.UpsertEntityAsync(seen, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }
}
