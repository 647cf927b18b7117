using Metrics.Core.Audit;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics audit [--month yyyy-MM]</c>: the finance actions on the record, one JSON line each, oldest first.</summary>
internal static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        var month = new Option<string?>("--month") { Description = "Only actions taken in this month (UTC), yyyy-MM." };
        var command = new Command("audit", "Show the audit trail: every rates and vouchers import and month close, and each refusal.")
        {
            month,
        };
        command.SetAction(
            async (result, cancellationToken) =>
            {
                BillingMonth? only = null;
                if (result.GetValue(month) is { } text)
                {
                    only = BillingMonth.TryParse(text, out BillingMonth m) ? m : throw new CliFailure($"--month '{text}' is not yyyy-MM");
                }

                foreach (
                    AuditRecord record in await new BlobAuditLog(context.CreateStorage().Blobs)
                        .ReadAsync(only, cancellationToken)
                        .ConfigureAwait(false)
                )
                {
                    await context.Out.WriteLineAsync(record.ToJsonLine()).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
        );
        return command;
    }
}
