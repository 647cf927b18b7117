using Apache.Arrow;
using Metrics.Core.Scan;

namespace Metrics.Core.Compaction;

/// <summary>
/// How a compaction lays an hour out: in <see cref="Files"/> files, GPU rows by shard of uuid hash (the shard
/// <see cref="ObservedHour.ShardOf"/> gives, so that rollup unit <c>s</c> of <c>n</c> reads file <c>s</c> alone), each
/// file written in key ranges of at most the compactor's bound of rows, in key order, so each file is sorted as a whole.
/// </summary>
internal sealed record HourLayout(
    long Rows,
    Dictionary<string, int> Ranks,
    int[] ShardOfRank,
    int[] ShardRows,
    int[] FileOfRange,
    int Files,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Dictionaries
)
{
    /// <summary>
    /// Cuts the counted first-key values (sorted) into <paramref name="files"/> files by uuid hash (one file: all of them
    /// in key order) and each file's keys into ranges of at most <paramref name="maxRows"/> rows.
    /// </summary>
    public static HourLayout Cut(
        long rows,
        Dictionary<string, int> counts,
        int files,
        int maxRows,
        IReadOnlyDictionary<string, IReadOnlyList<string>> dictionaries
    )
    {
        string[] sorted = [.. counts.Keys.Order(StringComparer.Ordinal)];
        var ranks = new Dictionary<string, int>(sorted.Length, StringComparer.Ordinal);
        int[] fileOfRank = new int[sorted.Length];
        for (int rank = 0; rank < sorted.Length; rank++)
        {
            ranks.Add(sorted[rank], rank);
            fileOfRank[rank] = files == 1 ? 0 : ObservedHour.ShardOf(GpuUuidBits.Parse(sorted[rank].AsSpan(), out _), files);
        }

        var rangeOfRank = new int[sorted.Length];
        var rangeRows = new List<int>();
        var fileOfRange = new List<int>();
        for (int file = 0; file < files; file++)
        {
            bool opened = false;
            for (int rank = 0; rank < sorted.Length; rank++)
            {
                if (fileOfRank[rank] != file)
                {
                    continue;
                }

                int keyRows = counts[sorted[rank]];
                if (!opened || (rangeRows[^1] > 0 && rangeRows[^1] + keyRows > maxRows))
                {
                    rangeRows.Add(0);
                    fileOfRange.Add(file);
                    opened = true;
                }

                rangeRows[^1] += keyRows;
                rangeOfRank[rank] = rangeRows.Count - 1;
            }
        }

        return new HourLayout(rows, ranks, rangeOfRank, [.. rangeRows], [.. fileOfRange], files, dictionaries);
    }

    /// <summary>The key ranges of one file, in key order.</summary>
    public IEnumerable<int> RangesOf(int file) => Enumerable.Range(0, ShardRows.Length).Where(range => FileOfRange[range] == file);

    /// <summary>Counts each first-key value's rows.</summary>
    public static void CountKeys(StringArray keys, Dictionary<string, int> counts)
    {
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[128];
        for (int i = 0; i < keys.Length; i++)
        {
            if (keys.IsNull(i))
            {
                throw new InvalidDataException("A row's first sort key is null, which the landing schemas do not allow.");
            }

            CollectionsMarshal.GetValueRefOrAddDefault(lookup, Chars(keys.GetBytes(i), buffer), out _)++;
        }
    }

    /// <summary>The rows of a batch in key range <paramref name="range"/>, with their keys' ranks.</summary>
    public void Select(int range, StringArray keys, List<int> selected, List<int> ranks)
    {
        selected.Clear();
        var lookup = Ranks.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[128];
        for (int i = 0; i < keys.Length; i++)
        {
            if (!lookup.TryGetValue(Chars(keys.GetBytes(i), buffer), out int rank))
            {
                throw new InvalidOperationException(
                    "A key appeared that the first pass did not count: the sources changed during compaction."
                );
            }

            if (ShardOfRank[rank] == range)
            {
                selected.Add(i);
                ranks.Add(rank);
            }
        }
    }

    /// <summary>A key's UTF-8 bytes as chars, for a lookup without a string per row.</summary>
    private static ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8, Span<char> buffer) =>
        utf8.Length <= buffer.Length ? buffer[..Encoding.UTF8.GetChars(utf8, buffer)] : Encoding.UTF8.GetString(utf8).AsSpan();
}
