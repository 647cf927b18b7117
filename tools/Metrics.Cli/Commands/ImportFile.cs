namespace Metrics.Cli.Commands;

/// <summary>Reads an import file (rates, vouchers) and parses it; a parse error becomes a one-line failure naming the file.</summary>
internal static class ImportFile
{
    public static async Task<T> ParseAsync<T>(FileInfo path, Func<byte[], T> parse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parse);
        byte[] content = await File.ReadAllBytesAsync(path.FullName, cancellationToken).ConfigureAwait(false);
        try
        {
            return parse(content);
        }
        catch (FormatException ex)
        {
            throw new CliFailure($"{path.Name}: {ex.Message}", ex);
        }
    }
}
