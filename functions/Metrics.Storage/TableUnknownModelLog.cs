using Metrics.Core.Catalogue;

namespace Metrics.Storage;

/// <summary>
/// Table <c>unknownmodels</c>: PartitionKey = stream, RowKey = the GPU model name as sent (the contract's model pattern
/// is a valid Table key), with the rows landed under it and when it was first and last seen.
/// <para>
/// A centre that has not imported its catalogue yet sends nothing but unknown names, in every batch of every partition:
/// a read and a write per name per batch would more than double ingest's storage requests. So each instance writes a
/// name when it first sees it and then at most once per <see cref="WriteInterval"/>, with the rows of the batches in
/// between. The row count therefore says how much landed under the name, not an exact figure (rows an instance held
/// when it stopped are not counted, a batch retried after a storage failure counts again); the metric
/// <c>metrics.ingest.unknown_model_rows</c> counts each landed batch once. The count is kept with optimistic
/// concurrency; if instances keep colliding on one name, only the last-seen time is recorded.
/// </para>
/// </summary>
public sealed class TableUnknownModelLog(TableServiceClient tables) : IUnknownModelLog
{
    public static readonly TimeSpan WriteInterval = TimeSpan.FromMinutes(1);

    private const int MaxAttempts = 5;

    private readonly TableCreatedOnce _table = new(tables.GetTableClient(StorageTables.UnknownModels));
    private readonly Dictionary<(TelemetryStream, string), (DateTimeOffset WrittenAt, long Pending)> _held = [];

    public async Task RecordAsync(
        TelemetryStream stream,
        IReadOnlyDictionary<string, long> rowsByName,
        DateTimeOffset seenAt,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(rowsByName);
        var due = new List<(string Name, long Rows)>();
        lock (_held)
        {
            foreach ((string name, long rows) in rowsByName)
            {
                Metrics.Contract.TableKeyRules.Require(name, "RowKey");
                if (_held.TryGetValue((stream, name), out var held) && seenAt - held.WrittenAt < WriteInterval)
                {
                    _held[(stream, name)] = (held.WrittenAt, held.Pending + rows);
                    continue;
                }

                due.Add((name, rows + held.Pending));
                _held[(stream, name)] = (seenAt, 0);
            }
        }

        if (due.Count == 0)
        {
            return;
        }

        TableClient table = await _table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        foreach ((string name, long rows) in due)
        {
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
