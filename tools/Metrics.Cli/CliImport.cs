namespace Metrics.Cli;

/// <summary>
/// An audited import of a finance file whose entries never change once imported (vouchers, allocations): parse it,
/// import it, record what happened (a refusal too) in the audit trail, and print <c>imported=N unchanged=M</c>.
/// </summary>
internal static class CliImport
{
    public static async Task<int> RunAsync<T>(
        CliContext context,
        FileInfo path,
        string action,
        string noun,
        Func<byte[], IReadOnlyList<T>> parse,
        Func<IReadOnlyList<T>, CancellationToken, Task<int>> import,
        CancellationToken cancellationToken
    )
    {
        (IReadOnlyList<T> entries, string subject) = await CliAudit
            .ParseAsync(path, parse, e => $"{e.Count} {noun}(s)", context, action, cancellationToken)
            .ConfigureAwait(false);

        int added;
        try
        {
            added = await import(entries, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            await CliAudit.RecordAsync(context, action, subject, "refused: " + ex.Message, cancellationToken).ConfigureAwait(false);
            throw new CliFailure($"{path.Name}: {ex.Message}", ex);
        }

        string outcome = string.Create(CultureInfo.InvariantCulture, $"imported={added} unchanged={entries.Count - added}");
        await CliAudit.RecordAsync(context, action, subject, "ok: " + outcome, cancellationToken).ConfigureAwait(false);
        await context.Out.WriteLineAsync(outcome).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
