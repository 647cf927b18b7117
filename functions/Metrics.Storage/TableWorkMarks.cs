using System.Net;

namespace Metrics.Storage;

/// <summary>
/// The marks: what is left to roll up or compact (table <c>workmarks</c>; <see cref="IWorkMarks"/>).
/// PartitionKey = kind (<c>gpu</c>, <c>jobs</c> from ingest; <c>usage</c>, <c>month</c>, <c>compact-gpu</c>,
/// <c>compact-jobs</c> from the rollup), RowKey = UTC hour <c>yyyyMMddHH</c> or month <c>yyyy-MM</c>.
/// Marking is an unconditional upsert, so it is idempotent and concurrent writers never conflict; every upsert also
/// changes the entity's ETag, which is what lets the rollup clear a mark only if nobody re-marked it meanwhile.
/// </summary>
public sealed class TableWorkMarks(TableServiceClient tables, TimeProvider timeProvider) : IWorkMarks
{
    private readonly TableCreatedOnce _marks = new(tables.GetTableClient(StorageTables.WorkMarks));

    public async Task MarkAsync(MarkKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = timeProvider.GetUtcNow();
        var actions = keys.Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(key =>
            {
                var entity = new TableEntity(PartitionKey(kind), key) { ["MarkedAt"] = now };
                if (UtcHours.TryParseKey(key, out DateTimeOffset hour))
                {
                    entity["Hour"] = hour;
                }

                return new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
            });
        await TableTransactions.SubmitAsync(Table, actions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WorkMark>> ListAsync(MarkKind kind, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var marks = new List<WorkMark>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(kind)}");
        await foreach (
            TableEntity entity in Table
                .QueryAsync<TableEntity>(filter, select: ["RowKey", "MarkedAt"], cancellationToken: cancellationToken)
                .ConfigureAwait(false)
        )
        {
            marks.Add(new WorkMark(kind, entity.RowKey, entity.ETag.ToString(), entity.GetDateTimeOffset("MarkedAt")));
        }

        return marks;
    }

    public async Task<bool> ClearAsync(WorkMark mark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        try
        {
            await Table
                .DeleteEntityAsync(PartitionKey(mark.Kind), mark.Key, new ETag(mark.Version), cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>A kind's partition: its name (<see cref="WorkUnit.NameOf"/>), as a unit's message names it too.</summary>
    public static string PartitionKey(MarkKind kind) => WorkUnit.NameOf(kind);

    public static string RowKey(DateTimeOffset hour) => UtcHours.Key(hour);

    private TableClient Table => _marks.Client;

    private ValueTask<TableClient> EnsureTableAsync(CancellationToken cancellationToken) => _marks.EnsureAsync(cancellationToken);
}
