namespace Metrics.Cli.LocalHub;

/// <summary>
/// Reads a JSON Lines file as raw bytes, one body per line, without decoding: a line that is not valid UTF-8 must
/// reach the dead-letter file byte for byte. Blank lines (such as a trailing newline) are not events.
/// </summary>
/// <remarks>
/// Lines are found with a vectorised search over a large buffer and handed out as slices of it, not copied: a national
/// hour is 1.24 GB of JSON, and a byte-by-byte scan with an intermediate copy cost a fifth of the ingest. A slice is
/// valid until the next line is taken, so a caller that keeps a body copies it (the local hub copies each into its
/// partition's batch).
/// </remarks>
internal static class JsonLinesReader
{
    private const int BufferBytes = 1 << 20;

    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        string path,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        byte[] buffer = new byte[BufferBytes];
        int filled = 0;
        var lines = new List<(int Start, int Length)>();
        while (true)
        {
            if (filled == buffer.Length)
            {
                // A line longer than the buffer (a hostile one): grow, so that it still arrives whole.
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            int read = await file.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            filled += read;
            int start = 0;
            lines.Clear();
            TakeLines(buffer.AsSpan(0, filled), read == 0, ref start, lines);
            foreach ((int lineStart, int length) in lines)
            {
                yield return buffer.AsMemory(lineStart, length);
            }

            if (read == 0)
            {
                yield break;
            }

            // Keep the unfinished last line at the start of the buffer.
            buffer.AsSpan(start, filled - start).CopyTo(buffer);
            filled -= start;
        }
    }

    /// <summary>Every complete line from <paramref name="start"/> on (and the rest, at the end of the file), as ranges.</summary>
    private static void TakeLines(ReadOnlySpan<byte> data, bool atEnd, ref int start, List<(int Start, int Length)> lines)
    {
        while (start < data.Length)
        {
            int newline = data[start..].IndexOf((byte)'\n');
            if (newline < 0 && !atEnd)
            {
                break;
            }

            int length = newline < 0 ? data.Length - start : newline;
            if (BodyLength(data.Slice(start, length)) is int body)
            {
                lines.Add((start, body));
            }

            start += newline < 0 ? length : length + 1;
        }
    }

    /// <summary>The line's length without a trailing CR; null for a blank line, which is not an event.</summary>
    private static int? BodyLength(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0 ? null : line.Length;
    }
}
