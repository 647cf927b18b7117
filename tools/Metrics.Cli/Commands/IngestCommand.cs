namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics ingest --stream gpu|jobs --file F.jsonl [--partitions N] [--batch-size N] [--backfill]</c>. Every event
/// of the file is counted as landed or dead-lettered; the exit code is non-zero only when storage fails.
/// </summary>
internal static class IngestCommand
{
    public static Command Create(CliContext context)
    {
        var stream = new Option<string>("--stream") { Description = "Which stream the file holds: gpu or jobs.", Required = true };
        stream.AcceptOnlyFromAmong("gpu", "jobs");
        var file = new Option<FileInfo>("--file") { Description = "JSON Lines file, one event body per line.", Required = true };
        file.AcceptExistingOnly();
        var partitions = new Option<int>("--partitions")
        {
            Description = "Partitions of the local event hub.",
            DefaultValueFactory = _ => 4,
        };
        partitions.Validators.Add(r => OptionRanges.Check(r, partitions, 1, 1024));
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Events per trigger invocation (host.json maxEventBatchSize).",
            DefaultValueFactory = _ => 100,
        };
        batchSize.Validators.Add(r => OptionRanges.Check(r, batchSize, 1, 10_000));
        var backfill = new Option<bool>("--backfill")
        {
            Description =
                "Replay historical files (a backfill, corrected dead letters): lifts the maximum event age for this run only; recorded in "
                + "the landed files' manifest.",
        };

        var command = new Command("ingest", "Ingest a file of events through the same code path as the Event Hubs functions.")
        {
            stream,
            file,
            partitions,
            batchSize,
            backfill,
        };
        command.SetAction(
            (result, cancellationToken) =>
            {
                TelemetryStreams.TryParse(result.GetValue(stream), out TelemetryStream parsed);
                return RunAsync(
                    context,
                    parsed,
                    result.GetValue(file)!,
                    result.GetValue(partitions),
                    result.GetValue(batchSize),
                    result.GetValue(backfill),
                    cancellationToken
                );
            }
        );
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        TelemetryStream stream,
        FileInfo file,
        int partitions,
        int batchSize,
        bool backfill,
        CancellationToken cancellationToken
    )
    {
        StorageClients storage = context.CreateStorage();
        LocalHubTotals totals = await context
            .WithProgressAsync(
                $"ingesting {stream.Name()}",
                progress =>
                    LocalIngest.RunAsync(
                        context,
                        storage,
                        stream,
                        file.FullName,
                        partitions,
                        batchSize,
                        backfill,
                        progress,
                        cancellationToken
                    )
            )
            .ConfigureAwait(false);
        await PrintProblemsAsync(context, totals).ConfigureAwait(false);
        await context
            .Out.WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"stream={stream.Name()} events={totals.Events} landed_events={totals.LandedEvents} landed_rows={totals.LandedRows} "
                        + $"deadlettered={totals.DeadLettered} internal_errors={totals.InternalErrors.Count} files={totals.Files} "
                        + $"landed_bytes={totals.LandedBytes} batches={totals.Batches} "
                        + $"partitions={partitions}{(backfill ? " backfill=true" : string.Empty)} storage_requests={storage.Requests.Count}"
                )
            )
            .ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>What went wrong, on standard error: dead-letter reasons, unknown GPU models, internal errors.</summary>
    private static async Task PrintProblemsAsync(CliContext context, LocalHubTotals totals)
    {
        foreach ((string reason, long count) in totals.RejectionsByReason)
        {
            await context
                .Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"dead-lettered {count} event(s): {reason}"))
                .ConfigureAwait(false);
        }

        foreach ((string name, long rows) in totals.UnknownModels)
        {
            await context
                .Error.WriteLineAsync(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"warning: {rows} row(s) landed under GPU model '{name}', which the catalogue does not know (metrics models import)"
                    )
                )
                .ConfigureAwait(false);
        }

        foreach (string error in totals.InternalErrors)
        {
            await context
                .Error.WriteLineAsync($"internal error (a bug; the event was dead-lettered, its batch landed): {error}")
                .ConfigureAwait(false);
        }
    }
}
