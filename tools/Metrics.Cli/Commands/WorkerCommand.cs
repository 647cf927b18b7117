namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics worker [--queue rollup|compaction|all]</c>: what one instance of the queue-triggered functions does, in
/// this process: runs the units on <c>rollup-units</c>, then on <c>compaction-units</c>, one at a time until none is
/// left, retries one that fails, and moves it to the queue's <c>-poison</c> queue after its last attempt. A unit it
/// holds stays hidden from other workers while it runs; if the worker dies, another takes it once
/// <c>--visibility-s</c> has passed. Prints one summary line per queue; exits 1 when a unit was poisoned.
/// </summary>
internal static class WorkerCommand
{
    private static readonly string[] s_queues = ["all", "rollup", "compaction"];

    public static Command Create(CliContext context)
    {
        var queue = new Option<string>("--queue")
        {
            Description = "Which queue to work: rollup (rollup-units), compaction (compaction-units) or all (both, rollup first).",
            DefaultValueFactory = _ => "all",
        };
        queue.AcceptOnlyFromAmong(s_queues);
        var maxSamples = new Option<int>("--max-samples-in-memory")
        {
            Description = "Distinct GPU samples one rollup unit may hold at once; a larger shard is read in more passes.",
            DefaultValueFactory = _ => ObservedHourReader.DefaultMaxSamplesInMemory,
        };
        maxSamples.Validators.Add(r => OptionRanges.Check(r, maxSamples, 1000, 200_000_000));
        var visibility = new Option<int>("--visibility-s")
        {
            Description = "Seconds a unit this worker holds stays hidden if the worker dies (renewed while it runs).",
            DefaultValueFactory = _ => (int)UnitWorker.DefaultVisibility.TotalSeconds,
        };
        visibility.Validators.Add(r => OptionRanges.Check(r, visibility, 2, 3600));
        var progress = new Option<bool>("--progress") { Description = "Print each unit to stderr as it starts and as it is done." };
        var command = new Command(
            "worker",
            "Run the queued rollup and compaction units until the queues are empty, as a function instance would."
        )
        {
            queue,
            maxSamples,
            visibility,
            progress,
        };
        command.SetAction(
            (result, cancellationToken) =>
                RunAsync(
                    context,
                    result.GetValue(queue)!,
                    result.GetValue(maxSamples),
                    TimeSpan.FromSeconds(result.GetValue(visibility)),
                    result.GetValue(progress) ? new LineProgress(context.Error, prefix: "") : null,
                    cancellationToken
                )
        );
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        string which,
        int maxSamples,
        TimeSpan visibility,
        IProgress<string>? progress,
        CancellationToken cancellationToken
    )
    {
        StorageClients storage = context.CreateStorage();
        QueuedUnitRunner runner = CompactionStorage.Runner(storage, context.TimeProvider);
        int poisoned = 0;
        if (which is "all" or "rollup")
        {
            QueuedHours hours = BillingStorage.CreateQueuedHours(storage, context.CreateCalendar(), context.TimeProvider, maxSamples);
            UnitWorkerResult done = await new UnitWorker(hours.Queue, runner) { Visibility = visibility }
                .RunUntilEmptyAsync(
                    Reported(progress, async (u, ct) => await hours.RunUnitAsync(u, ct).ConfigureAwait(false)),
                    cancellationToken
                )
                .ConfigureAwait(false);
            poisoned += await ReportAsync(context, QueueWorkQueue.RollupUnits, "hour kept marked", done, storage).ConfigureAwait(false);
        }

        if (which is "all" or "compaction")
        {
            LandedCompaction compaction = CompactionStorage.Create(storage, context.TimeProvider, LandedCompaction.DefaultGrace);
            UnitWorkerResult done = await new UnitWorker(CompactionStorage.Queue(storage), runner) { Visibility = visibility }
                .RunUntilEmptyAsync(
                    Reported(progress, async (u, ct) => await compaction.RunUnitAsync(u, ct).ConfigureAwait(false)),
                    cancellationToken
                )
                .ConfigureAwait(false);
            poisoned += await ReportAsync(context, QueueWorkQueue.CompactionUnits, "mark kept", done, storage).ConfigureAwait(false);
        }

        return poisoned == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>A unit's run, told to <paramref name="progress"/> as it starts and when it is done.</summary>
    private static Func<WorkUnit, CancellationToken, Task> Reported(
        IProgress<string>? progress,
        Func<WorkUnit, CancellationToken, Task> run
    ) =>
        async (unit, cancellationToken) =>
        {
            progress?.Report($"started {unit}");
            await run(unit, cancellationToken).ConfigureAwait(false);
            progress?.Report($"done {unit}");
        };

    private static async Task<int> ReportAsync(CliContext context, string queue, string kept, UnitWorkerResult done, StorageClients storage)
    {
        foreach (UnitFailure failure in done.Failures)
        {
            await context.Error.WriteLineAsync($"poisoned (on {queue}-poison, {kept}): {failure}").ConfigureAwait(false);
        }

        await context
            .Out.WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"queue={queue} done={done.Done} failed_attempts={done.FailedAttempts} poisoned={done.Failures.Count} "
                        + $"storage_requests={storage.Requests.Count}"
                )
            )
            .ConfigureAwait(false);
        return done.Failures.Count;
    }
}
