using System.Text.Json.Serialization;

namespace Metrics.Slurm.Runs;

/// <summary>
/// Every run the collector is tracking, in <c>state.json</c> of its state directory, written whole to a temporary file
/// and renamed over the old one, so a crash leaves the previous or the new state, never half of one. The state is
/// saved after the poll's events are spooled: a crash in between resends those events at the next poll, with the same
/// ids and bodies, which ingest counts once.
/// </summary>
public sealed class CollectorState
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Dictionary<string, TrackedRun> Runs { get; init; } = new(StringComparer.Ordinal);

    public static CollectorState Load(string? directory)
    {
        string? path = directory is null ? null : System.IO.Path.Combine(directory, "state.json");
        if (path is null || !File.Exists(path))
        {
            return new CollectorState();
        }

        try
        {
            return JsonSerializer.Deserialize<CollectorState>(File.ReadAllBytes(path), s_json) ?? new CollectorState();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not the collector's state ({ex.Message}); move it aside to start afresh", ex);
        }
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, "state.json");
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, this, s_json);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
