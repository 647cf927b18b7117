using System.Globalization;

namespace Metrics.Producer.Spooling;

/// <summary>
/// The spool's segment files in its directory: <c>seg-000000000001.jsonl</c> and so on, numbered in the order they were
/// started. Naming, opening for reading while the writer appends, and counting the lines left in one.
/// </summary>
internal sealed class SegmentFiles(string directory)
{
    private const string Prefix = "seg-";
    private const string Suffix = ".jsonl";

    /// <summary>The numbers of the segment files present now.</summary>
    public IEnumerable<long> Existing()
    {
        foreach (string file in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix))
        {
            if (Number(file) is { } number)
            {
                yield return number;
            }
        }
    }

    public string PathOf(long number) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{number:D12}{Suffix}"));

    /// <summary>The segment's size in bytes; 0 when it is gone.</summary>
    public long Length(long number)
    {
        var info = new FileInfo(PathOf(number));
        return info.Exists ? info.Length : 0;
    }

    /// <summary>The segment opened for reading while it may still be appended to or deleted; null when it is gone.</summary>
    public FileStream? OpenRead(long number)
    {
        try
        {
            return new FileStream(PathOf(number), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Whole lines (events) in the segment from <paramref name="offset"/> on.</summary>
    public long CountLines(long number, long offset)
    {
        using FileStream? file = OpenRead(number);
        if (file is null)
        {
            return 0;
        }

        file.Position = Math.Min(offset, file.Length);
        using var stream = new BufferedStream(file, 64 * 1024);
        long count = 0;
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            count += b == '\n' ? 1 : 0;
        }

        return count;
    }

    private static long? Number(string path)
    {
        string name = Path.GetFileName(path);
        return long.TryParse(
            name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length),
            NumberStyles.None,
            CultureInfo.InvariantCulture,
            out long n
        )
            ? n
            : null;
    }
}
