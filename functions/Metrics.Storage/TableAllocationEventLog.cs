using Metrics.Core.Allocations;

namespace Metrics.Storage;

/// <summary>
/// The threshold events in table <c>allocationevents</c>: one partition (<c>e</c>: at most four per allocation),
/// RowKey = the event's id (<c>allocation:basis:pct</c>), created with a conditional insert, so an event exists once
/// for ever however many passes find its threshold crossed; <c>SentAt</c> is set once the queue has it.
/// </summary>
public sealed class TableAllocationEventLog(TableServiceClient tables) : IAllocationEventLog
{
    private const string Partition = "e";

    private readonly TableCreatedOnce _events = new(tables.GetTableClient(StorageTables.AllocationEvents));

    public async Task<bool> RecordAsync(AllocationEvent allocationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allocationEvent);
        TableClient table = await _events.EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(Entity(allocationEvent), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task MarkSentAsync(AllocationEvent allocationEvent, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allocationEvent);
        TableClient table = await _events.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await table
            .UpdateEntityAsync(
                new TableEntity(Partition, allocationEvent.Id) { ["SentAt"] = sentAt.UtcDateTime },
                ETag.All,
                TableUpdateMode.Merge,
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AllocationEvent>> ListAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        TableClient table = await _events.EnsureAsync(cancellationToken).ConfigureAwait(false);
        string filter = since is { } from
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and CrossedAt ge {from.UtcDateTime}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        var events = new List<AllocationEvent>();
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            events.Add(FromEntity(e));
        }

        return events.OrderBy(e => e.CrossedAt).ThenBy(e => e.Id, StringComparer.Ordinal).ToArray();
    }

    private static TableEntity Entity(AllocationEvent e) =>
        new(Partition, e.Id)
        {
            ["AllocationId"] = e.AllocationId,
            ["Institution"] = e.Institution,
            ["Account"] = e.Account,
            ["Unit"] = e.Unit,
            ["ThresholdPct"] = e.ThresholdPct,
            ["Basis"] = e.Basis,
            ["CrossedAt"] = e.CrossedAt.UtcDateTime,
            ["Used"] = TableProperties.Decimal(e.Used),
            ["Forecast"] = TableProperties.Decimal(e.Forecast),
            ["Amount"] = TableProperties.Decimal(e.Amount),
        };

    private static AllocationEvent FromEntity(TableEntity e) =>
        new(
            TableProperties.Required(e, "AllocationId"),
            TableProperties.Required(e, "Institution"),
            e.GetString("Account"),
            TableProperties.Required(e, "Unit"),
            e.GetInt32("ThresholdPct") ?? throw new InvalidDataException($"Allocation event {e.RowKey} has no 'ThresholdPct'."),
            TableProperties.Required(e, "Basis"),
            e.GetDateTimeOffset("CrossedAt") ?? throw new InvalidDataException($"Allocation event {e.RowKey} has no 'CrossedAt'."),
            TableProperties.Decimal(e, "Used"),
            TableProperties.Decimal(e, "Forecast"),
            TableProperties.Decimal(e, "Amount"),
            e.GetDateTimeOffset("SentAt")
        );
}
