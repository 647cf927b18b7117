using System.Globalization;
using Azure.Data.Tables;
using Metrics.Core.Ports;
using Metrics.Core.Telemetry;

namespace Metrics.Storage;

/// <summary>
/// Dirty-hour marks in Table storage: PartitionKey = stream, RowKey = UTC hour <c>yyyyMMddHH</c>.
/// Marking is an unconditional upsert, so it is idempotent and concurrent writers never conflict; every upsert also
/// changes the entity's ETag, which is what lets the rollup clear a mark only if nobody re-marked it meanwhile.
/// </summary>
public sealed class TableDirtyHourLog(TableServiceClient tables, TimeProvider timeProvider) : IDirtyHourLog
{
    public const string RowKeyFormat = "yyyyMMddHH";

    private readonly TableClient _table = tables.GetTableClient(StorageTables.DirtyHours);
    private int _tableReady;

    public async Task MarkAsync(TelemetryStream stream, IReadOnlyCollection<DateTimeOffset> hours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hours);
        if (hours.Count == 0)
        {
            return;
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = timeProvider.GetUtcNow();
        var actions = hours
            .Select(h => h.ToUniversalTime())
            .Distinct()
            .Order()
            .Select(hour => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(stream.Name(), RowKey(hour))
            {
                ["Hour"] = hour,
                ["MarkedAt"] = now,
            }));
        await TableTransactions.SubmitAsync(_table, actions, cancellationToken).ConfigureAwait(false);
    }

    public static string RowKey(DateTimeOffset hour) => hour.ToUniversalTime().ToString(RowKeyFormat, CultureInfo.InvariantCulture);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _tableReady) == 1)
        {
            return;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _tableReady, 1);
    }
}
