namespace Metrics.Contract;

/// <summary>
/// The Event Hubs partition key of contract v1: the node for GPU samples (one node's samples stay in order on one
/// partition) and cluster + jobId for job events (one job's events stay in order). Producers set it; the CLI's
/// local event hub reads it from the body to place events the way production would.
/// </summary>
public static class PartitionKeys
{
    public static string ForGpuSample(string node) => node;

    public static string ForJob(string cluster, string jobId) => $"{cluster}:{jobId}";

    /// <summary>Reads the key from a raw body without validating it; null when the body does not carry one.</summary>
    public static string? FromBody(TelemetryStream stream, ReadOnlySpan<byte> body)
    {
        string? node = null,
            cluster = null,
            jobId = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Compared as UTF-8, without a string per property: this runs for every event the local hub places.
                int field =
                    reader.ValueTextEquals("node"u8) ? 1
                    : reader.ValueTextEquals("cluster"u8) ? 2
                    : reader.ValueTextEquals("jobId"u8) ? 3
                    : 0;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || field == 0)
                {
                    reader.Skip();
                    continue;
                }

                string value = reader.GetString()!;
                _ = field switch
                {
                    1 => node = value,
                    2 => cluster = value,
                    _ => jobId = value,
                };

                // The key is complete: the rest of the body (most of it: the GPUs) is validated later, not here.
                if (
                    (stream == TelemetryStream.Gpu && node is not null)
                    || (stream == TelemetryStream.Jobs && cluster is not null && jobId is not null)
                )
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // A malformed body still has to go somewhere; the caller falls back to hashing the bytes.
        }
        catch (InvalidOperationException)
        {
            // Raised by Utf8JsonReader for invalid UTF-8 in a string value: same fallback as above.
        }

        return KeyOf(stream, node, cluster, jobId);
    }

    private static string? KeyOf(TelemetryStream stream, string? node, string? cluster, string? jobId) =>
        stream switch
        {
            TelemetryStream.Gpu => node is null ? null : ForGpuSample(node),
            TelemetryStream.Jobs => cluster is null || jobId is null ? null : ForJob(cluster, jobId),
            _ => null,
        };

    /// <summary>
    /// Stable partition for a key: FNV-1a over the key's UTF-8 bytes, modulo the partition count. (Event Hubs uses
    /// its own hash; what matters here is that one key always maps to one partition.)
    /// </summary>
    public static int Assign(ReadOnlySpan<byte> keyOrBody, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        uint hash = 2166136261;
        foreach (byte b in keyOrBody)
        {
            hash = (hash ^ b) * 16777619;
        }

        return (int)(hash % (uint)partitionCount);
    }

    public static int Assign(string key, int partitionCount) => Assign(Encoding.UTF8.GetBytes(key), partitionCount);
}
