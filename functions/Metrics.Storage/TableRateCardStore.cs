namespace Metrics.Storage;

/// <summary>
/// The rate card in table <c>ratecards</c>: PartitionKey = gpu or cpu, RowKey = <c>model|yyyy-MM-dd</c> (<c>cpu|...</c>).
/// Entries are only ever added (<see cref="RateCardImport"/> decides which).
/// </summary>
public sealed class TableRateCardStore(TableServiceClient tables) : IRateCardStore
{
    private readonly TableCreatedOnce _ratecards = new(tables.GetTableClient(StorageTables.RateCards));

    public async Task<RateCard> ReadAsync(CancellationToken cancellationToken)
    {
        TableClient table = await _ratecards.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<RateEntry>();
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(
                new RateEntry(
                    e.PartitionKey == "gpu" ? RateKind.Gpu : RateKind.Cpu,
                    e.GetString("GpuModel"),
                    DateOnly.ParseExact(TableProperties.Required(e, "EffectiveFrom"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    TableProperties.Decimal(e, "Rate"),
                    TableProperties.Required(e, "Currency")
                )
            );
        }

        return new RateCard(entries);
    }

    public async Task ImportAsync(IReadOnlyList<RateEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        TableClient table = await _ratecards.EnsureAsync(cancellationToken).ConfigureAwait(false);
        foreach (var kind in entries.GroupBy(e => e.Kind))
        {
            string pk = kind.Key == RateKind.Gpu ? "gpu" : "cpu";
            var actions = kind.Select(e =>
            {
                string date = e.EffectiveFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var entity = new TableEntity(pk, $"{e.GpuModel ?? "cpu"}|{date}")
                {
                    ["EffectiveFrom"] = date,
                    ["Rate"] = TableProperties.Decimal(e.Rate),
                    ["Currency"] = e.Currency,
                };
                if (e.GpuModel is not null)
                {
                    entity["GpuModel"] = e.GpuModel;
                }

                // Added, never replaced: the rate card is append-only (RateCardImport), and an import racing another that
                // adds the same entry fails rather than overwrite it.
                return new TableTransactionAction(TableTransactionActionType.Add, entity);
            });
            try
            {
                await TableTransactions.SubmitAsync(table, actions, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                throw new InvalidOperationException(
                    "another import added the same rate at the same time; import again to see which stands",
                    ex
                );
            }
        }
    }
}
