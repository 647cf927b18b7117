namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics usage --month YYYY-MM [--institution ID] [--format csv|json|focus|focus-parquet] [--by institution|account]
/// [--out FILE]</c>; FOCUS as Parquet only into a file.
/// </summary>
internal static class UsageCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> month = MonthOption.Create("Billing month, yyyy-MM, in the billing time zone.");
        var institution = new Option<string?>("--institution") { Description = "Only this institution." };
        var format = new Option<string>("--format")
        {
            Description = "csv, json, focus (a FinOps FOCUS 1.2 dataset, by account), or focus-parquet (the same as Parquet; with --out).",
            DefaultValueFactory = _ => "csv",
        };
        format.AcceptOnlyFromAmong("csv", "json", "focus", "focus-parquet");
        var by = new Option<string>("--by")
        {
            Description = "institution, or account to split each line by project.",
            DefaultValueFactory = _ => "institution",
        };
        by.AcceptOnlyFromAmong("institution", "account");
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output." };

        var command = new Command("usage", "Monthly usage per (institution, GPU model), priced with the rate card, as finance pulls it.")
        {
            month,
            institution,
            format,
            by,
            output,
        };
        command.Validators.Add(result =>
        {
            // The option's own token, not GetValue: a value outside the choices is already an error of its own.
            if (result.GetResult(format)?.Tokens.FirstOrDefault()?.Value == "focus-parquet" && result.GetResult(output) is null)
            {
                result.AddError("--format focus-parquet writes Parquet (binary): give --out FILE.");
            }
        });
        command.SetAction(
            (result, cancellationToken) => RunAsync(context, result, institution, format, by, output, month, cancellationToken)
        );
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Option<string?> institution,
        Option<string> format,
        Option<string> by,
        Option<FileInfo?> output,
        Option<string> month,
        CancellationToken cancellationToken
    )
    {
        BillingMonth m = MonthOption.Value(result, month);
        string? only = result.GetValue(institution);
        UsageQuery query = BillingStorage.CreateQuery(context.CreateStorage(), context.CreateCalendar());
        if (
            !UsageRequest.TryParse(
                m.ToString(),
                only,
                result.GetValue(format),
                result.GetValue(by),
                out UsageRequest? request,
                out string? error
            )
        )
        {
            throw new CliFailure(error!);
        }

        UsageReport report =
            await query.GetAsync(m, only, request!.ByAccount, cancellationToken).ConfigureAwait(false)
            ?? throw new CliFailure($"unknown institution '{only}': it has no usage in any month");
        if (request.Format == UsageFormat.FocusParquet)
        {
            return await WriteParquetAsync(context, report, result.GetValue(output)!).ConfigureAwait(false);
        }

        string text = Render(request, report);
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
    }

    private static string Render(UsageRequest request, UsageReport report)
    {
        try
        {
            return request.Render(report);
        }
        catch (InvalidOperationException unpriced) when (request.Focus)
        {
            throw new CliFailure(unpriced.Message);
        }
    }

    private static async Task<int> WriteParquetAsync(CliContext context, UsageReport report, FileInfo file)
    {
        try
        {
            using (FileStream output = File.Create(file.FullName))
            {
                Metrics.Core.Lake.FocusParquet.Write(output, report);
            }
        }
        catch (InvalidOperationException unpriced)
        {
            File.Delete(file.FullName);
            throw new CliFailure(unpriced.Message);
        }

        await context.Error.WriteLineAsync($"wrote FOCUS Parquet of {report.Month} to {file.FullName}").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
