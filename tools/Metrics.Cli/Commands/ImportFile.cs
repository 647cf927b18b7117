namespace Metrics.Cli.Commands;

/// <summary>
/// Reads an import file (rates, vouchers, the GPU-model catalogue) and parses it; a parse error becomes a one-line
/// failure naming the file, after <c>refused</c> (when given) has seen the bytes and the error, for the audit trail.
/// </summary>
internal static class ImportFile
{
    public static async Task<T> ParseAsync<T>(FileInfo path, Func<byte[], T> parse, CancellationToken cancellationToken) =>
        (await ReadAsync(path, parse, refused: null, cancellationToken).ConfigureAwait(false)).Parsed;

    /// <summary>The file parsed, with the bytes read (what an audit record hashes).</summary>
    public static async Task<(T Parsed, byte[] Content)> ReadAsync<T>(
        FileInfo path,
        Func<byte[], T> parse,
        Func<byte[], FormatException, Task>? refused,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parse);
        byte[] content = await File.ReadAllBytesAsync(path.FullName, cancellationToken).ConfigureAwait(false);
        try
        {
            return (parse(content), content);
        }
        catch (FormatException ex)
        {
            if (refused is not null)
            {
                await refused(content, ex).ConfigureAwait(false);
            }

            throw new CliFailure($"{path.Name}: {ex.Message}", ex);
        }
    }
}
