namespace Metrics.Cli.Commands;

/// <summary><c>metrics rates import FILE</c> and <c>metrics rates list</c>.</summary>
internal static class RatesCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "Rate card JSON (see tools/samples/rates.json)." };
        file.AcceptExistingOnly();
        var import = new Command(
            "import",
            "Add effective-dated rates from a JSON file; a rate never changes, and none may reprice a closed month."
        )
        {
            file,
        };
        import.SetAction((result, cancellationToken) => ImportAsync(context, result, file, cancellationToken));

        var list = new Command("list", "Show the rate card.");
        list.SetAction((result, cancellationToken) => ListAsync(context, result, cancellationToken));

        return new Command("rates", "The effective-dated rate card.") { import, list };
    }

    private static async Task<int> ImportAsync(
        CliContext context,
        ParseResult result,
        Argument<FileInfo> file,
        CancellationToken cancellationToken
    )
    {
        (IReadOnlyList<RateEntry> entries, string subject) = await CliAudit
            .ParseAsync(
                result.GetValue(file)!,
                b => RateCardFile.Parse(b),
                e => $"{e.Count} rate(s)",
                context,
                "rates.import",
                cancellationToken
            )
            .ConfigureAwait(false);

        StorageClients storage = context.CreateStorage();
        try
        {
            (int added, int unchanged) = await RateCardImport
                .ImportAsync(
                    new TableRateCardStore(storage.Tables),
                    new BlobStatementStore(storage.Blobs).ListClosedAsync(cancellationToken),
                    entries,
                    cancellationToken
                )
                .ConfigureAwait(false);
            await CliAudit
                .RecordAsync(context, "rates.import", subject, $"ok: imported={added} unchanged={unchanged}", cancellationToken)
                .ConfigureAwait(false);
            await context
                .Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"imported={added} unchanged={unchanged}"))
                .ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (InvalidOperationException ex)
        {
            await CliAudit.RecordAsync(context, "rates.import", subject, "refused: " + ex.Message, cancellationToken).ConfigureAwait(false);
            throw new CliFailure($"{result.GetValue(file)!.Name}: {ex.Message}", ex);
        }
    }

    private static async Task<int> ListAsync(CliContext context, ParseResult result, CancellationToken cancellationToken)
    {
        RateCard card = await new TableRateCardStore(context.CreateStorage().Tables).ReadAsync(cancellationToken).ConfigureAwait(false);
        await context.Out.WriteLineAsync("kind,gpu_model,effective_from,rate,currency").ConfigureAwait(false);
        foreach (RateEntry e in card.Entries)
        {
            await context
                .Out.WriteLineAsync(
                    string.Join(
                        ',',
                        e.Kind.ToString().ToLowerInvariant(),
                        UsageCsvWriter.Cell(e.GpuModel ?? string.Empty),
                        e.EffectiveFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        e.Rate.ToString(CultureInfo.InvariantCulture),
                        e.Currency
                    )
                )
                .ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
