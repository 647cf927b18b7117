using Metrics.Core.Allocations;

namespace Metrics.Storage;

/// <summary>
/// Allocations in table <c>allocations</c>: one partition (<c>a</c>: a national centre holds thousands, not millions),
/// RowKey = allocation id, so an id is unique across institutions by the key itself. Each allocation is created with a
/// conditional insert, so two imports of one id with different terms at once cannot both land; amounts as exact
/// decimals, dates as local <c>yyyy-MM-dd</c>.
/// </summary>
public sealed class TableAllocationStore(TableServiceClient tables) : IAllocationStore
{
    private const string Partition = "a";

    private readonly TableCreatedOnce _allocations = new(tables.GetTableClient(StorageTables.Allocations));

    public async Task<IReadOnlyList<Allocation>> ListAsync(string? institution, CancellationToken cancellationToken)
    {
        TableClient table = await _allocations.EnsureAsync(cancellationToken).ConfigureAwait(false);
        string filter = institution is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Institution eq {institution}");
        var allocations = new List<Allocation>();
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            allocations.Add(FromEntity(e));
        }

        return allocations;
    }

    public async Task<int> ImportAsync(IReadOnlyList<Allocation> allocations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allocations);
        Dictionary<string, Allocation> existing = (await ListAsync(null, cancellationToken).ConfigureAwait(false)).ToDictionary(
            a => a.Id,
            StringComparer.Ordinal
        );
        IReadOnlyList<Allocation> added = AllocationImport.NewOnes(allocations, existing);
        TableClient table = await _allocations.EnsureAsync(cancellationToken).ConfigureAwait(false);
        int created = 0;
        foreach (Allocation allocation in added)
        {
            created += await CreateAsync(table, allocation, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return created;
    }

    /// <summary>
    /// Creates the allocation; false when an import at the same time created it with the same terms; refused with others.
    /// </summary>
    private static Task<bool> CreateAsync(TableClient table, Allocation allocation, CancellationToken cancellationToken) =>
        TableImmutableRows.CreateAsync(
            table,
            Entity(allocation),
            allocation,
            FromEntity,
            () => AllocationImport.Changed([allocation.Id]),
            cancellationToken
        );

    private static Allocation FromEntity(TableEntity e) =>
        new(
            e.RowKey,
            TableProperties.Required(e, "Institution"),
            e.GetString("Account"),
            TableProperties.Required(e, "Unit"),
            TableProperties.Decimal(e, "Amount"),
            Date(TableProperties.Required(e, "From")),
            Date(TableProperties.Required(e, "To"))
        );

    private static TableEntity Entity(Allocation a) =>
        new(Partition, a.Id)
        {
            ["Institution"] = a.Institution,
            ["Account"] = a.Account,
            ["Unit"] = a.Unit,
            ["Amount"] = TableProperties.Decimal(a.Amount),
            ["From"] = a.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["To"] = a.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
