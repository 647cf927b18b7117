namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics compact [--from HOUR --to HOUR]</c>: the compaction the timer function runs, of the marked hours that are
/// due, or of a range of UTC hours (both streams). Prints one summary line; exits 1 when an hour failed (named on
/// stderr; it keeps its mark), 2 when the range asks for an hour that is not due yet.
/// </summary>
internal static class CompactCommand
{
    public static Command Create(CliContext context)
    {
        var from = new Option<string?>("--from") { Description = "First UTC hour to compact, e.g. 2026-11-30T16 (with --to)." };
        var to = new Option<string?>("--to") { Description = "Last UTC hour to compact, inclusive (with --from)." };
        var grace = new Option<int>("--grace-minutes")
        {
            Description = "Minutes after an hour ends before it may be compacted (CompactionGraceMinutes in the app).",
            DefaultValueFactory = _ => (int)LandedCompaction.DefaultGrace.TotalMinutes,
        };
        grace.Validators.Add(r => OptionRanges.Check(r, grace, 0, 7 * 24 * 60));
        var maxRows = new Option<int>("--max-rows-in-memory")
        {
            Description = "Rows one pass of a compaction may hold (about 170 bytes each); a larger hour is written in more passes.",
            DefaultValueFactory = _ => HourCompactor.DefaultMaxRowsInMemory,
        };
        maxRows.Validators.Add(r => OptionRanges.Check(r, maxRows, 1000, 100_000_000));
        var progress = new Option<bool>("--progress") { Description = "Print each stream-hour to stderr as it is compacted." };
        var command = new Command(
            "compact",
            "Rewrite closed hours' many landed files into sorted files (GPU rows by uuid hash, 1,500,000 rows a file), and "
                + "each hour into the lake as Parquet, one row per distinct sample or event."
        )
        {
            from,
            to,
            grace,
            maxRows,
            progress,
        };
        command.Validators.Add(result => RollupCommand.ValidateRange(result, from, to));
        command.SetAction((result, cancellationToken) => RunAsync(context, result, from, to, grace, maxRows, progress, cancellationToken));
        return command;
    }

    /// <summary>The failures on stderr, one summary line on stdout.</summary>
    private static async Task ReportAsync(CliContext context, CompactionResult done, long requests)
    {
        foreach (UnitFailure failure in done.Failures)
        {
            await context.Error.WriteLineAsync($"failed (mark kept for the next run): {failure}").ConfigureAwait(false);
        }

        IReadOnlyList<HourCompaction> hours = done.Hours;
        await context
            .Out.WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"stream_hours={hours.Count(h => h.Sources > 0)} sources={hours.Sum(h => h.Sources)} "
                        + $"rows_in={hours.Sum(h => h.RowsIn)} rows_out={hours.Sum(h => h.RowsOut)} "
                        + $"replays_dropped={hours.Sum(h => h.RowsIn - h.RowsOut)} bytes_in={hours.Sum(h => h.BytesIn)} "
                        + $"bytes_out={hours.Sum(h => h.BytesOut)} files_out={hours.Sum(h => h.Files)} "
                        + $"gpu_bytes_out={hours.Where(h => h.Stream == TelemetryStream.Gpu).Sum(h => h.BytesOut)} "
                        + $"lake_files={hours.Sum(h => h.Lake.Files)} lake_rows={hours.Sum(h => h.Lake.RowsOut)} "
                        + $"lake_bytes={hours.Sum(h => h.Lake.Bytes)} "
                        + $"deleted={hours.Sum(h => h.Deleted)} not_yet_due={done.NotYetDue} failed={done.Failures.Count} "
                        + $"storage_requests={requests}"
                )
            )
            .ConfigureAwait(false);
    }

    private static async Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Option<string?> from,
        Option<string?> to,
        Option<int> grace,
        Option<int> maxRows,
        Option<bool> progress,
        CancellationToken cancellationToken
    )
    {
        StorageClients storage = context.CreateStorage();
        LandedCompaction compaction = CompactionStorage.Create(
            storage,
            context.TimeProvider,
            TimeSpan.FromMinutes(result.GetValue(grace)),
            result.GetValue(maxRows)
        );
        IProgress<string>? report = result.GetValue(progress) ? new LineProgress(context.Error) : null;
        string? f = result.GetValue(from),
            t = result.GetValue(to);
        CompactionResult done;
        if (f is null)
        {
            done = await CompactionStorage
                .RunPendingAsync(storage, compaction, context.TimeProvider, cancellationToken, report)
                .ConfigureAwait(false);
        }
        else
        {
            RollupCommand.TryParseHour(t!, out DateTimeOffset last);
            if (!compaction.IsDue(last))
            {
                await context
                    .Error.WriteLineAsync(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"metrics: hour {last:yyyy-MM-dd'T'HH}Z is not due for compaction until "
                                + $"{last.AddHours(1).AddMinutes(result.GetValue(grace)):yyyy-MM-dd'T'HH:mm}Z (its end plus "
                                + $"--grace-minutes {result.GetValue(grace)})"
                        )
                    )
                    .ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            RollupCommand.TryParseHour(f, out DateTimeOffset first);
            done = await compaction.RunRangeAsync(first, last, cancellationToken, report).ConfigureAwait(false);
        }

        await ReportAsync(context, done, storage.Requests.Count).ConfigureAwait(false);
        return done.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
