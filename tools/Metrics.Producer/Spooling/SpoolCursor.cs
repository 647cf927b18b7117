using System.Globalization;

namespace Metrics.Producer.Spooling;

/// <summary>
/// The spool's head on disk: one small file, <c>cursor</c>, holding "segment offset" just after the last event sent.
/// Replaced whole (write a temporary, then rename), so a crash leaves the old cursor or the new one, never half of one.
/// </summary>
internal static class SpoolCursor
{
    private const string Name = "cursor";

    /// <summary>
    /// The head saved in <paramref name="directory"/>, when it names a present segment and an offset within it;
    /// otherwise <paramref name="first"/> at offset 0.
    /// </summary>
    public static (long Segment, long Offset) Load(string directory, SegmentFiles files, IReadOnlySet<long> segments, long first)
    {
        string path = Path.Combine(directory, Name);
        if (!File.Exists(path))
        {
            return (first, 0);
        }

        string[] parts = File.ReadAllText(path).Trim().Split(' ');
        if (
            parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long segment)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)
            && segments.Contains(segment)
            && offset <= files.Length(segment)
        )
        {
            return (segment, offset);
        }

        // A cursor naming a deleted segment means that segment was sent whole; anything else, resend from the start
        // (events are idempotent downstream: a resend is billed once).
        return (first, 0);
    }

    /// <summary>Saves the head; returns the disk's complaint when it refuses (a lost cursor only resends events).</summary>
    public static string? Save(string directory, long segment, long offset)
    {
        string path = Path.Combine(directory, Name);
        string temporary = path + ".tmp";
        try
        {
            File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{segment} {offset}\n"));
            File.Move(temporary, path, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A lost cursor resends some events after a restart; the pipeline counts them once.
            return ex.Message;
        }
    }
}
