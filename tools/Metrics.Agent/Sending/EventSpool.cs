namespace Metrics.Agent.Sending;

/// <summary>
/// A bounded on-disk queue of events not yet sent, oldest first, one JSON body per line. It survives agent restarts.
/// When it is full the newest events are refused and counted, and the caller reports it: a full spool is never silent.
/// </summary>
public sealed class EventSpool(string path, long maxBytes)
{
    public string Path => path;

    public IReadOnlyList<byte[]> ReadAll() =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(System.Text.Encoding.UTF8.GetBytes).ToArray() : [];

    /// <summary>Makes <paramref name="events"/> (oldest first) the spool's content, as far as it fits; returns how many did not fit.</summary>
    public int Replace(IReadOnlyList<byte[]> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            File.Delete(path);
            return 0;
        }

        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = path + ".tmp";
        long size = 0;
        int kept = 0;
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            foreach (byte[] body in events)
            {
                if (size + body.Length + 1 > maxBytes)
                {
                    break;
                }

                file.Write(body);
                file.WriteByte((byte)'\n');
                size += body.Length + 1;
                kept++;
            }

            file.Flush(flushToDisk: true);
        }

        // Rename is atomic: a crash leaves the old spool or the new one, never half of one.
        File.Move(temporary, path, overwrite: true);
        return events.Count - kept;
    }
}
