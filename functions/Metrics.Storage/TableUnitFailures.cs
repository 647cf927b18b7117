namespace Metrics.Storage;

/// <summary>
/// Queued units whose last attempt failed, in table <c>unitfailures</c>: PartitionKey = the unit's kind
/// (<c>compact-gpu</c>, ...), RowKey = its key; what it threw (the message cut to 4,000 characters), the attempts made,
/// whether it was poisoned, and when.
/// </summary>
public sealed class TableUnitFailures(TableServiceClient tables) : IUnitFailures
{
    private const int MaxMessage = 4000;

    private readonly TableCreatedOnce _failures = new(tables.GetTableClient(StorageTables.UnitFailures));

    public async Task RecordAsync(FailedUnit failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failed);
        TableClient table = await _failures.EnsureAsync(cancellationToken).ConfigureAwait(false);
        UnitFailure f = failed.Failure;
        await table
            .UpsertEntityAsync(
                new TableEntity(WorkUnit.NameOf(f.Kind), f.Key)
                {
                    ["ExceptionType"] = f.ExceptionType,
                    ["Message"] = f.Message.Length > MaxMessage ? f.Message[..MaxMessage] : f.Message,
                    ["Attempts"] = failed.Attempts,
                    ["Poisoned"] = failed.Poisoned,
                    ["At"] = failed.At.UtcDateTime,
                },
                TableUpdateMode.Replace,
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    public async Task ClearAsync(WorkUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        TableClient table = await _failures.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await table.DeleteEntityAsync(WorkUnit.NameOf(unit.Kind), unit.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FailedUnit>> ListAsync(CancellationToken cancellationToken)
    {
        TableClient table = await _failures.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var failed = new List<FailedUnit>();
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            failed.Add(
                new FailedUnit(
                    new UnitFailure(
                        WorkUnit.KindOf(e.PartitionKey),
                        e.RowKey,
                        TableProperties.Required(e, "ExceptionType"),
                        TableProperties.Required(e, "Message")
                    ),
                    e.GetInt64("Attempts") ?? 0,
                    e.GetBoolean("Poisoned") ?? false,
                    e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue
                )
            );
        }

        return failed.OrderBy(f => f.At).ToArray();
    }
}
