using System.Net;

namespace Metrics.Storage;

/// <summary>
/// Per-(stream, partition) sequence numbers for the CLI's local event hub, persisted so that ingesting the same file
/// twice behaves like a producer resend in production: the same bodies arrive again under new sequence numbers.
/// Ranges are reserved with optimistic concurrency (ETag), so two CLIs never receive overlapping numbers.
/// </summary>
public sealed class TableSequenceCounter(TableServiceClient tables)
{
    private const string NextProperty = "Next";
    private const int MaxAttempts = 20;

    private readonly TableCreatedOnce _sequences = new(tables.GetTableClient(StorageTables.Sequences));

    public async Task EnsureTableAsync(CancellationToken cancellationToken) =>
        await _sequences.EnsureAsync(cancellationToken).ConfigureAwait(false);

    private TableClient Table => _sequences.Client;

    /// <summary>Reserves <paramref name="count"/> consecutive numbers and returns the first.</summary>
    public async Task<long> ReserveAsync(TelemetryStream stream, string partitionId, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            NullableResponse<TableEntity> existing = await Table
                .GetEntityIfExistsAsync<TableEntity>(stream.Name(), partitionId, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            try
            {
                if (!existing.HasValue)
                {
                    await Table
                        .AddEntityAsync(new TableEntity(stream.Name(), partitionId) { [NextProperty] = (long)count }, cancellationToken)
                        .ConfigureAwait(false);
                    return 0;
                }

                TableEntity entity = existing.Value!;
                long first = entity.GetInt64(NextProperty) ?? 0;
                entity[NextProperty] = first + count;
                await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return first;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another producer took a range first; read again and retry.
            }
        }

        throw new InvalidOperationException(
            $"Could not reserve sequence numbers for {stream.Name()} partition {partitionId} after {MaxAttempts} attempts."
        );
    }

    /// <summary>
    /// Gives back the unused end <c>[usedEnd, reservedEnd)</c> of a reservation, if no one has reserved after it (the
    /// counter still stands at <paramref name="reservedEnd"/>); otherwise the numbers stay unused, a gap, which Event Hubs
    /// sequence numbers may have too. Returns whether they were given back.
    /// </summary>
    public async Task<bool> ReturnUnusedAsync(
        TelemetryStream stream,
        string partitionId,
        long reservedEnd,
        long usedEnd,
        CancellationToken cancellationToken
    )
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(usedEnd, reservedEnd);
        if (usedEnd == reservedEnd)
        {
            return true;
        }

        NullableResponse<TableEntity> existing = await Table
            .GetEntityIfExistsAsync<TableEntity>(stream.Name(), partitionId, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!existing.HasValue || existing.Value!.GetInt64(NextProperty) != reservedEnd)
        {
            return false;
        }

        TableEntity entity = existing.Value;
        entity[NextProperty] = usedEnd;
        try
        {
            await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            // Another producer reserved in between: its numbers follow ours, so ours stay a gap.
            return false;
        }
    }
}
