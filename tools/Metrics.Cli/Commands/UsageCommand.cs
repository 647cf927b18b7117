using System.CommandLine;
using Metrics.Core.Billing;
using Metrics.Storage;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics usage --month YYYY-MM [--institution ID] [--format csv|json] [--out FILE]</c>.</summary>
internal static class UsageCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> month = MonthOption.Create("Billing month, yyyy-MM, in the billing time zone.");
        var institution = new Option<string?>("--institution") { Description = "Only this institution." };
        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output." };

        var command = new Command("usage", "Monthly usage per (institution, GPU model), priced with the rate card, as finance pulls it.") { month, institution, format, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            BillingMonth m = MonthOption.Value(result, month);
            string? only = result.GetValue(institution);
            UsageQuery query = BillingStorage.CreateQuery(context.CreateStorage(), context.CreateCalendar());
            UsageReport report = await query.GetAsync(m, only, cancellationToken).ConfigureAwait(false)
                ?? throw new CliFailure($"unknown institution '{only}': it has no usage in any month");
            string text = result.GetValue(format) == "json" ? UsageJsonWriter.Write(report) : UsageCsvWriter.Write(report);
            foreach (string warning in report.Warnings)
            {
                await context.Error.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }

            if (result.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, text, cancellationToken).ConfigureAwait(false);
                await context.Error.WriteLineAsync($"wrote {report.Lines.Count} line(s) to {file.FullName}").ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteAsync(text).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
