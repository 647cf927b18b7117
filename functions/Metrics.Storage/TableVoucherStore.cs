using Metrics.Core.Vouchers;

namespace Metrics.Storage;

/// <summary>Vouchers in table <c>vouchers</c>: PartitionKey = institution, RowKey = voucher id; amounts as exact decimals.</summary>
public sealed class TableVoucherStore(TableServiceClient tables) : IVoucherStore
{
    private readonly TableCreatedOnce _vouchers = new(tables.GetTableClient(StorageTables.Vouchers));

    public async Task<IReadOnlyList<Voucher>> ListAsync(string? institution, CancellationToken cancellationToken)
    {
        TableClient table = await _vouchers.EnsureAsync(cancellationToken).ConfigureAwait(false);
        string? filter = institution is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {institution}");
        var vouchers = new List<Voucher>();
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            vouchers.Add(
                new Voucher(
                    e.RowKey,
                    e.PartitionKey,
                    TableProperties.Decimal(e, "Amount"),
                    TableProperties.Required(e, "Currency"),
                    Date(TableProperties.Required(e, "ValidFrom")),
                    Date(TableProperties.Required(e, "ValidTo")),
                    TableProperties.Decimal(e, "MaxShare")
                )
            );
        }

        return vouchers;
    }

    public async Task<int> ImportAsync(IReadOnlyList<Voucher> vouchers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vouchers);
        Dictionary<string, Voucher> existing = (await ListAsync(null, cancellationToken).ConfigureAwait(false)).ToDictionary(
            v => v.Id,
            StringComparer.Ordinal
        );
        IReadOnlyList<Voucher> added = VoucherImport.NewOnes(vouchers, existing);
        foreach (var institution in added.GroupBy(v => v.Institution, StringComparer.Ordinal))
        {
            await TableTransactions
                .SubmitAsync(
                    _vouchers.Client,
                    institution.Select(v => new TableTransactionAction(
                        TableTransactionActionType.Add,
                        new TableEntity(v.Institution, v.Id)
                        {
                            ["Amount"] = TableProperties.Decimal(v.Amount),
                            ["Currency"] = v.Currency,
                            ["ValidFrom"] = v.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                            ["ValidTo"] = v.ValidTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                            ["MaxShare"] = TableProperties.Decimal(v.MaxShare),
                        }
                    )),
                    cancellationToken
                )
                .ConfigureAwait(false);
        }

        return added.Count;
    }

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
