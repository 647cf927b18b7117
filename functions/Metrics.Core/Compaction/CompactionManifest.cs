using System.Text.Json.Serialization;

namespace Metrics.Core.Compaction;

/// <summary>
/// The record of one compaction of a stream-hour, written after its data file is durable and before any source is
/// deleted. Readers take the newest manifest's data file and every landed file it does not list; so a reader sees each
/// event once before the manifest exists (the sources), once after (the data file), and never both.
/// </summary>
public sealed record CompactionManifest
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public required string Stream { get; init; }

    public required DateTimeOffset Hour { get; init; }

    public required int Generation { get; init; }

    /// <summary>The compacted data file this manifest makes visible (the first, where there are several).</summary>
    public required string Data { get; init; }

    /// <summary>
    /// The data files by shard of GPU uuid hash, where the hour was written as several (each sorted, each GPU in one);
    /// null where it is the one file <see cref="Data"/>.
    /// </summary>
    public IReadOnlyList<string>? Shards { get; init; }

    /// <summary>Every data file this manifest makes visible.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> DataFiles => Shards ?? [Data];

    public required long Rows { get; init; }

    /// <summary>Rows of the sources left out as exact replays (same partition and sequence landed twice).</summary>
    public required long ReplaysDropped { get; init; }

    /// <summary>Every file the data file replaces: landed files and the previous generation's data file.</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    public required DateTimeOffset CompactedAt { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    /// <summary>Reads a manifest; a manifest that cannot be read fails the hour loudly, as a landed file would.</summary>
    public static CompactionManifest Parse(ReadOnlySpan<byte> json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CompactionManifest>(json, s_json)
                ?? throw new InvalidDataException($"Compaction manifest {path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Compaction manifest {path} is not readable: {ex.Message}", ex);
        }
    }
}
