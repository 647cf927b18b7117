using Metrics.Core.Ledger;

namespace Metrics.Storage;

/// <summary>
/// Vouchers in table <c>vouchers</c>: PartitionKey = institution, RowKey = voucher id; amounts as exact decimals. A
/// voucher id is unique across institutions: each import first claims its id (PartitionKey <c>~ids</c>, RowKey = id,
/// created with a conditional insert), so two imports of one id for two institutions at once cannot both succeed, and
/// each voucher is then created with a conditional insert too, so two imports of one id with different terms cannot
/// both land.
/// </summary>
public sealed class TableVoucherStore(TableServiceClient tables) : IVoucherStore
{
    /// <summary>The partition of id claims: not an institution id (those start with a letter or digit).</summary>
    private const string IdClaims = "~ids";

    private readonly TableCreatedOnce _vouchers = new(tables.GetTableClient(StorageTables.Vouchers));

    public async Task<IReadOnlyList<Voucher>> ListAsync(string? institution, CancellationToken cancellationToken)
    {
        TableClient table = await _vouchers.EnsureAsync(cancellationToken).ConfigureAwait(false);
        string? filter = institution is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {institution}");
        var vouchers = new List<Voucher>();
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.PartitionKey == IdClaims)
            {
                continue;
            }

            vouchers.Add(FromEntity(e));
        }

        return vouchers;
    }

    public async Task<int> ImportAsync(IReadOnlyList<Voucher> vouchers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vouchers);
        // Grouped, not a dictionary: a store written before ids were claimed may hold one id twice.
        Dictionary<string, Voucher> existing = (await ListAsync(null, cancellationToken).ConfigureAwait(false))
            .GroupBy(v => v.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        IReadOnlyList<Voucher> added = VoucherImport.NewOnes(vouchers, existing);
        TableClient table = await _vouchers.EnsureAsync(cancellationToken).ConfigureAwait(false);
        int created = 0;
        foreach (Voucher v in added)
        {
            await ClaimAsync(table, v, cancellationToken).ConfigureAwait(false);
            created += await CreateAsync(table, v, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return created;
    }

    /// <summary>Claims the voucher's id for its institution; refused when another institution holds it.</summary>
    private static async Task ClaimAsync(TableClient table, Voucher v, CancellationToken cancellationToken)
    {
        try
        {
            await table
                .AddEntityAsync(new TableEntity(IdClaims, v.Id) { ["Institution"] = v.Institution }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            TableEntity claim = (
                await table.GetEntityAsync<TableEntity>(IdClaims, v.Id, cancellationToken: cancellationToken).ConfigureAwait(false)
            ).Value;
            if (claim.GetString("Institution") != v.Institution)
            {
                throw new InvalidOperationException(
                    $"voucher id {v.Id} is already used by another institution; voucher ids are unique across institutions "
                        + "(issue a new one)"
                );
            }
        }
    }

    /// <summary>Creates the voucher; false when an import at the same time created it with the same terms; refused with others.</summary>
    private static Task<bool> CreateAsync(TableClient table, Voucher v, CancellationToken cancellationToken) =>
        TableImmutableRows.CreateAsync(table, Entity(v), v, FromEntity, () => VoucherImport.Changed([v.Id]), cancellationToken);

    private static Voucher FromEntity(TableEntity e) =>
        new(
            e.RowKey,
            e.PartitionKey,
            TableProperties.Decimal(e, "Amount"),
            TableProperties.Required(e, "Currency"),
            Date(TableProperties.Required(e, "ValidFrom")),
            Date(TableProperties.Required(e, "ValidTo")),
            TableProperties.Decimal(e, "MaxShare")
        );

    private static TableEntity Entity(Voucher v) =>
        new(v.Institution, v.Id)
        {
            ["Amount"] = TableProperties.Decimal(v.Amount),
            ["Currency"] = v.Currency,
            ["ValidFrom"] = v.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["ValidTo"] = v.ValidTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["MaxShare"] = TableProperties.Decimal(v.MaxShare),
        };

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
