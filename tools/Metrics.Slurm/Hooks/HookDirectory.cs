namespace Metrics.Slurm.Hooks;

/// <summary>
/// The directory the controller's hooks write into, one file per hook run (<c>{nanoseconds}-{job}-{context}.hook</c>,
/// written to a temporary name and renamed, so a file is never read half-written). The collector reads them in the
/// order they were written and deletes each once what it says is saved; a file that is not a hook record is renamed
/// <c>.bad</c> and named in the log, never silently dropped.
/// </summary>
public sealed class HookDirectory(string path, TextWriter log)
{
    public string Path { get; } = path;

    public IReadOnlyList<HookRecord> Read()
    {
        if (!Directory.Exists(Path))
        {
            return [];
        }

        var records = new List<HookRecord>();
        foreach (string file in Directory.GetFiles(Path, "*.hook").Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException)
            {
                continue;
            }

            if (HookRecord.Parse(file, text, out string? problem) is { } record)
            {
                records.Add(record);
            }
            else
            {
                log.WriteLine($"metrics-slurm: {file} is not a hook record ({problem}); renamed .bad");
                File.Move(file, file + ".bad", overwrite: true);
            }
        }

        return records;
    }

    public static void Delete(HookRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        File.Delete(record.Path);
    }
}
