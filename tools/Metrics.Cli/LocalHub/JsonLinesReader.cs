namespace Metrics.Cli.LocalHub;

/// <summary>
/// Reads a JSON Lines file as raw bytes, one body per line, without decoding: a line that is not valid UTF-8 must
/// reach the dead-letter file byte for byte. Blank lines (such as a trailing newline) are not events.
/// </summary>
internal static class JsonLinesReader
{
    public static async IAsyncEnumerable<byte[]> ReadAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        var line = new MemoryStream();
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            int start = 0;
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                line.Write(buffer, start, i - start);
                start = i + 1;
                if (TakeLine(line) is { } body)
                {
                    yield return body;
                }
            }

            line.Write(buffer, start, read - start);
        }

        if (TakeLine(line) is { } last)
        {
            yield return last;
        }
    }

    private static byte[]? TakeLine(MemoryStream line)
    {
        byte[] bytes = line.ToArray();
        line.SetLength(0);
        int length = bytes.Length;
        if (length > 0 && bytes[length - 1] == (byte)'\r')
        {
            length--;
        }

        bool blank = true;
        for (int i = 0; i < length && blank; i++)
        {
            blank = bytes[i] is (byte)' ' or (byte)'\t';
        }

        return blank ? null : (length == bytes.Length ? bytes : bytes[..length]);
    }
}
