using System.Text.Json;
using Spectre.Console;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics allocations import FILE</c>, <c>list [--institution ID] [--format table|csv|json]</c> and
/// <c>events [--since DATE] [--format csv|json]</c>: grants of GPU-hours or money to an institution or account for a
/// period, where each stands, and the thresholds they crossed.
/// </summary>
internal static class AllocationsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file")
        {
            Description =
                "Allocation JSON: [{id, institution, account (optional), unit (gpu-hours or a currency), amount, from, to}, ...].",
        };
        file.AcceptExistingOnly();
        var import = new Command(
            "import",
            "Add allocations; one already imported with the same terms is left as it is, with other terms refused."
        )
        {
            file,
        };
        import.SetAction(
            (result, cancellationToken) =>
                CliImport.RunAsync(
                    context,
                    result.GetValue(file)!,
                    "allocations.import",
                    "allocation",
                    b => AllocationFile.Parse(b),
                    (allocations, ct) => new TableAllocationStore(context.CreateStorage().Tables).ImportAsync(allocations, ct),
                    cancellationToken
                )
        );

        return new Command("allocations", "Allocations: GPU-hours or a budget granted to an institution or account for a period.")
        {
            import,
            List(context),
            Events(context),
        };
    }

    private static Command List(CliContext context)
    {
        var institution = new Option<string?>("--institution") { Description = "Only this institution's allocations." };
        var format = new Option<string>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var list = new Command("list", "Each allocation with what it has used, its forecast to the period's end and its status.")
        {
            institution,
            format,
        };
        list.SetAction(
            async (result, cancellationToken) =>
            {
                IReadOnlyList<AllocationStanding> standings = await BillingStorage
                    .CreateAllocationStandings(context.CreateStorage(), context.CreateCalendar(), context.TimeProvider)
                    .ListAsync(result.GetValue(institution), cancellationToken)
                    .ConfigureAwait(false);
                await WriteAsync(context, result.GetValue(format)!, standings).ConfigureAwait(false);
                return ExitCodes.Success;
            }
        );
        return list;
    }

    private static Command Events(CliContext context)
    {
        var since = new Option<string?>("--since") { Description = "Only events crossed on or after this local day (yyyy-MM-dd)." };
        since.Validators.Add(r =>
        {
            if (r.GetValue(since) is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, 0, out _))
            {
                r.AddError($"--since takes a day such as 2026-11-01, got '{text}'.");
            }
        });
        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var events = new Command("events", "The threshold events emitted (50, 80, 100 % used; 100 % forecast), each once, oldest first.")
        {
            since,
            format,
        };
        events.SetAction(
            async (result, cancellationToken) =>
            {
                DateTimeOffset? from = result.GetValue(since) is { } day
                    ? context.CreateCalendar().StartUtc(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture))
                    : null;
                IReadOnlyList<AllocationEvent> list = await new TableAllocationEventLog(context.CreateStorage().Tables)
                    .ListAsync(from, cancellationToken)
                    .ConfigureAwait(false);
                if (result.GetValue(format) == "json")
                {
                    await context
                        .Out.WriteLineAsync(JsonSerializer.Serialize(list.Select(AllocationEventJson.Body), s_json))
                        .ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await context.Out.WriteLineAsync(AllocationRows.EventHeader).ConfigureAwait(false);
                foreach (AllocationEvent e in list)
                {
                    await context.Out.WriteLineAsync(AllocationRows.EventCsv(e)).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
        );
        return events;
    }

    private static async Task WriteAsync(CliContext context, string format, IReadOnlyList<AllocationStanding> standings)
    {
        if (format == "json")
        {
            await context
                .Out.WriteLineAsync(JsonSerializer.Serialize(standings.Select(AllocationRows.StandingBody), s_json))
                .ConfigureAwait(false);
            return;
        }

        if (format == "csv")
        {
            await context.Out.WriteLineAsync(AllocationRows.StandingHeader).ConfigureAwait(false);
            foreach (AllocationStanding s in standings)
            {
                await context.Out.WriteLineAsync(AllocationRows.StandingCsv(s)).ConfigureAwait(false);
            }

            return;
        }

        var table = new Table().AddColumns(
            "id",
            "institution",
            "account",
            "unit",
            "amount",
            "used",
            "used %",
            "forecast",
            "forecast %",
            "runs out",
            "status",
            "period"
        );
        foreach (AllocationStanding s in standings)
        {
            string[] c = AllocationRows.StandingCells(s);
            table.AddRow(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], $"{c[11]}..{c[12]}");
        }

        IAnsiConsole console = AnsiConsole.Create(
            new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(context.Out),
                Ansi = context.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
                ColorSystem = context.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            }
        );
        if (!context.Interactive)
        {
            // Redirected output has no terminal width; give the table room instead of wrapping every cell.
            console.Profile.Width = 200;
        }

        console.Write(table);
    }

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
}
