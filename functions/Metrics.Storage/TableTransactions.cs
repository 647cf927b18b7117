using System.Text;
using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Storage;

/// <summary>
/// Splits table writes into transactions Azure accepts: one PartitionKey, at most 100 actions, under 4 MiB.
/// Azurite accepts larger and mixed batches, and keys, that Azure rejects, so the limits are enforced here, in our own code.
/// </summary>
public static class TableTransactions
{
    public const int MaxActions = 100;

    /// <summary>The service limit is 4 MiB per batch payload; 512 KiB of headroom covers multipart framing.</summary>
    public const int MaxPayloadBytes = (4 * 1024 * 1024) - (512 * 1024);

    /// <summary>Per-action overhead of the multipart body (boundary, headers, URL).</summary>
    private const int ActionOverheadBytes = 1024;

    /// <summary>Groups actions into valid transactions, in order. Throws if the actions name more than one PartitionKey.</summary>
    public static IReadOnlyList<IReadOnlyList<TableTransactionAction>> Chunk(IEnumerable<TableTransactionAction> actions) =>
        Chunk(actions, MaxActions);

    /// <summary>
    /// The same, with at most <paramref name="maxActions"/> actions a transaction: room for the caller to add its own
    /// (a fence) to each.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<TableTransactionAction>> Chunk(IEnumerable<TableTransactionAction> actions, int maxActions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxActions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxActions, MaxActions);
        var chunks = new List<IReadOnlyList<TableTransactionAction>>();
        var current = new List<TableTransactionAction>();
        string? partitionKey = null;
        long currentBytes = 0;
        foreach (TableTransactionAction action in actions)
        {
            string key = action.Entity.PartitionKey;
            TableKeyRules.Require(key, "PartitionKey");
            TableKeyRules.Require(action.Entity.RowKey, "RowKey");
            partitionKey ??= key;
            if (!string.Equals(partitionKey, key, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"A table transaction takes one PartitionKey; got '{partitionKey}' and '{key}'.",
                    nameof(actions)
                );
            }

            long bytes = EstimateBytes(action.Entity);
            if (bytes > MaxPayloadBytes)
            {
                throw new ArgumentException(
                    $"Entity {key}/{action.Entity.RowKey} is about {bytes} bytes, too large for a table transaction.",
                    nameof(actions)
                );
            }

            if (current.Count == maxActions || currentBytes + bytes > MaxPayloadBytes)
            {
                chunks.Add(current);
                current = [];
                currentBytes = 0;
            }

            current.Add(action);
            currentBytes += bytes;
        }

        if (current.Count > 0)
        {
            chunks.Add(current);
        }

        return chunks;
    }

    /// <summary>Submits actions as as many valid transactions as they need.</summary>
    public static async Task SubmitAsync(
        TableClient table,
        IEnumerable<TableTransactionAction> actions,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (IReadOnlyList<TableTransactionAction> chunk in Chunk(actions))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A conservative estimate of an entity's size on the wire (JSON, strings as UTF-8, with escapes).</summary>
    public static long EstimateBytes(ITableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        long bytes = ActionOverheadBytes + Utf8(entity.PartitionKey) + Utf8(entity.RowKey);
        if (entity is IDictionary<string, object> properties)
        {
            foreach ((string name, object value) in properties)
            {
                bytes +=
                    Utf8(name)
                    + 16
                    + value switch
                    {
                        string s => 2L * Utf8(s),
                        byte[] b => ((b.Length + 2) / 3 * 4) + 64,
                        BinaryData d => ((d.ToMemory().Length + 2) / 3 * 4) + 64,
                        _ => 64,
                    };
            }
        }

        return bytes;
    }

    private static long Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);
}
