namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics rollup [--from HOUR --to HOUR]</c>: the same rollup the timer function runs. Prints one summary line
/// with <c>failed_hours=</c> and <c>failed_months=</c>; exits 1 when any unit failed (each one is named on stderr and
/// keeps its mark), after every other unit completed.
/// </summary>
internal static class RollupCommand
{
    public static Command Create(CliContext context)
    {
        var from = new Option<string?>("--from")
        {
            Description = "First UTC hour to recompute, e.g. 2026-11-30T16 or 2026-11-30T16:00Z (with --to).",
        };
        var to = new Option<string?>("--to") { Description = "Last UTC hour to recompute, inclusive (with --from)." };
        var progress = new Option<bool>("--progress")
        {
            Description = "Print each job hour, hour and month to stderr as it is written (a national hour's rollup takes minutes).",
        };
        var maxSamples = new Option<int>("--max-samples-in-memory")
        {
            Description =
                "Distinct GPU samples one hour's recompute may hold at once (about 64 bytes each); a larger hour is read in more passes.",
            DefaultValueFactory = _ => ObservedHourReader.DefaultMaxSamplesInMemory,
        };
        maxSamples.Validators.Add(r => OptionRanges.Check(r, maxSamples, 1000, 200_000_000));
        var workers = new Option<int>("--workers")
        {
            Description = "Worker processes that run the hours' units (as Function instances would); 0 runs them in this process.",
            DefaultValueFactory = _ => 0,
        };
        workers.Validators.Add(r => OptionRanges.Check(r, workers, 0, 64));
        var visibility = new Option<int>("--visibility-s")
        {
            Description = "Seconds a unit a worker holds stays hidden if the worker dies (renewed while it runs).",
            DefaultValueFactory = _ => (int)UnitWorker.DefaultVisibility.TotalSeconds,
        };
        visibility.Validators.Add(r => OptionRanges.Check(r, visibility, 2, 3600));
        var command = new Command(
            "rollup",
            "Roll landed data up into hourly and monthly usage: what is pending, or a forced range of UTC hours."
        )
        {
            from,
            to,
            progress,
            maxSamples,
            workers,
            visibility,
        };
        command.Validators.Add(result => ValidateRange(result, from, to));
        command.SetAction(
            (result, cancellationToken) =>
                RunAsync(context, result, from, to, progress, (maxSamples, workers, visibility), cancellationToken)
        );
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Option<string?> from,
        Option<string?> to,
        Option<bool> progress,
        (Option<int> MaxSamples, Option<int> Workers, Option<int> Visibility) units,
        CancellationToken cancellationToken
    )
    {
        StorageClients storage = context.CreateStorage();
        int maxSamples = result.GetValue(units.MaxSamples),
            workers = result.GetValue(units.Workers);
        TimeSpan visibility = TimeSpan.FromSeconds(result.GetValue(units.Visibility));
        UsageRollup rollup = BillingStorage.CreateRollup(
            storage,
            context.CreateCalendar(),
            context.TimeProvider,
            Drain(context, storage, (workers, maxSamples, visibility, result.GetValue(progress))),
            maxSamples,
            context.Metrics
        );
        string? f = result.GetValue(from),
            t = result.GetValue(to);
        IProgress<string>? report = result.GetValue(progress) ? new LineProgress(context.Error) : null;
        RollupResult done = f is null
            ? await rollup.RunPendingAsync(cancellationToken, report).ConfigureAwait(false)
            : await rollup.RunRangeAsync(Parse(f), Parse(t!), cancellationToken, report).ConfigureAwait(false);
        AllocationWatchResult? watched = await WatchAsync(context, storage, cancellationToken).ConfigureAwait(false);
        string allocations = watched is null ? "failed" : watched.Watched.ToString(CultureInfo.InvariantCulture);

        foreach (UnitFailure failure in done.Failures)
        {
            await context.Error.WriteLineAsync($"failed (mark kept for the next run): {failure}").ConfigureAwait(false);
        }

        await context
            .Out.WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"job_hours={done.JobHoursRead} jobs_changed={done.JobsChanged} hours={done.HoursRecomputed} "
                        + $"hour_units={done.HourUnits} months={done.MonthsRecomputed} marks_kept={done.MarksKeptForNextRun} "
                        + $"failed_hours={done.FailedHours} failed_months={done.FailedMonths} allocations_watched={allocations} "
                        + $"allocation_events={watched?.Crossed ?? 0} "
                        + $"storage_requests={storage.Requests.Count}"
                )
            )
            .ConfigureAwait(false);

        // Everything else completed; a non-zero exit still tells a scheduler or an operator that something is stuck.
        return done.Failures.Count == 0 && watched is not null ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>
    /// How the run's units are run to the end: by <paramref name="workers"/> worker processes first, as instances would;
    /// then by this process, which also takes over the unit of any worker that died once its visibility lapses, and
    /// returns only when every unit has run.
    /// </summary>
    private static Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>> Drain(
        CliContext context,
        StorageClients storage,
        (int Count, int MaxSamples, TimeSpan Visibility, bool Progress) workers
    )
    {
        Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>> here = BillingStorage.DrainHere(storage, context.TimeProvider);
        return async (queued, token) =>
        {
            if (
                workers.Count > 0
                && await WorkerProcesses
                    .RunAsync(context, workers.Count, workers.MaxSamples, workers.Visibility, workers.Progress, token)
                    .ConfigureAwait(false)
                    is { Count: > 0 } failed
            )
            {
                await context.Error.WriteLineAsync($"{failed.Count} of {workers.Count} workers exited with failure").ConfigureAwait(false);
            }

            return await here(queued, token).ConfigureAwait(false);
        };
    }

    /// <summary>
    /// The allocations' thresholds, watched after every pass as the timer function does (<see cref="AllocationWatch"/>).
    /// A watch that fails (a queue unreachable) leaves the rollup's work done: said, and null; the next run watches again.
    /// </summary>
    private static async Task<AllocationWatchResult?> WatchAsync(
        CliContext context,
        StorageClients storage,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await BillingStorage
                .CreateAllocationWatch(storage, context.CreateCalendar(), context.TimeProvider)
                .RunAsync(cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException or HttpRequestException or IOException)
        {
            // The SDK gives up on an unreachable endpoint with an AggregateException of its attempts.
            await context
                .Error.WriteLineAsync($"allocation watch failed (the rollup's work is done; the next run watches again): {ex.Message}")
                .ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// The <c>--from</c>/<c>--to</c> pair of UTC hours that <c>rollup</c> and <c>compact</c> share: both or neither, both hours.
    /// </summary>
    internal static void ValidateRange(System.CommandLine.Parsing.CommandResult result, Option<string?> from, Option<string?> to)
    {
        string? f = result.GetValue(from),
            t = result.GetValue(to);
        if ((f is null) != (t is null))
        {
            result.AddError("--from and --to go together.");
        }
        else if (f is not null && (!TryParseHour(f, out _) || !TryParseHour(t!, out _)))
        {
            result.AddError("--from and --to take a UTC hour such as 2026-11-30T16 or 2026-11-30T16:00Z.");
        }
    }

    private static DateTimeOffset Parse(string text) =>
        TryParseHour(text, out DateTimeOffset hour) ? hour : throw new CliFailure($"not a UTC hour: {text}");

    /// <summary>Accepts <c>yyyy-MM-ddTHH</c>, or any ISO-8601 instant with a zone (truncated to its UTC hour).</summary>
    internal static bool TryParseHour(string text, out DateTimeOffset hour)
    {
        if (
            DateTimeOffset.TryParseExact(
                text,
                "yyyy-MM-dd'T'HH",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out hour
            )
        )
        {
            return true;
        }

        if (text.Length > 16 && CliTime.TryParseZoned(text, out DateTimeOffset instant))
        {
            hour = UtcHours.Floor(instant);
            return true;
        }

        return false;
    }
}
