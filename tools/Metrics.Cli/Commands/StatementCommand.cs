using Metrics.Statements;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics statement --month YYYY-MM [--institution ID] --out FILE.html</c>: an institution's monthly statement, or
/// without <c>--institution</c> the centre's overview, as one self-contained HTML page (the HTTP API serves the same).
/// </summary>
internal static class StatementCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> month = MonthOption.Create("Billing month, yyyy-MM, in the billing time zone.");
        var institution = new Option<string?>("--institution")
        {
            Description = "This institution's statement; without it, the centre's overview.",
        };
        var output = new Option<FileInfo>("--out") { Description = "The HTML file to write.", Required = true };
        var command = new Command("statement", "A monthly statement page with charts: one institution's, or the centre's overview.")
        {
            month,
            institution,
            output,
        };
        command.SetAction(
            async (result, cancellationToken) =>
            {
                BillingMonth m = MonthOption.Value(result, month);
                string? only = result.GetValue(institution);
                if (!UsageRequest.TryParse(m.ToString(), only, format: null, out _, out string? error))
                {
                    throw new CliFailure(error!);
                }

                FileInfo file = result.GetValue(output)!;
                string html = await RenderAsync(context, m, only, cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(file.FullName, html, cancellationToken).ConfigureAwait(false);
                await context
                    .Error.WriteLineAsync(
                        $"wrote {(only is null ? "the centre's overview" : $"the statement of {only}")} for {m} to {file.FullName}"
                    )
                    .ConfigureAwait(false);
                return ExitCodes.Success;
            }
        );
        return command;
    }

    /// <summary>The page, as the demo writes it too.</summary>
    public static async Task<string> RenderAsync(
        CliContext context,
        BillingMonth month,
        string? institution,
        CancellationToken cancellationToken
    )
    {
        BillingCalendar calendar = context.CreateCalendar();
        StorageClients storage = context.CreateStorage();
        var pages = new StatementPages(
            BillingStorage.CreateStatementQuery(storage, calendar, context.TimeProvider),
            BillingStorage.CreateAllocationStandings(storage, calendar, context.TimeProvider),
            calendar
        );
        return institution is null
            ? await pages.CentreAsync(month, cancellationToken).ConfigureAwait(false)
            : await pages.InstitutionAsync(month, institution, cancellationToken).ConfigureAwait(false)
                ?? throw new CliFailure($"unknown institution '{institution}': it has no usage in any month");
    }
}
