using Metrics.Simulator;
using Spectre.Console;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics demo</c>: the whole pipeline on this machine in one command. Ensures Azurite, simulates a small cluster
/// across the latest month boundary in the billing time zone, ingests both streams, rolls up, checks the bill against
/// the simulator's truth, compacts and checks again, closes the first month (with a voucher, and a job that reports
/// after the close), and ends with finance's table for the two months.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var institutions = new Option<int>("--institutions") { Description = "Institutions.", DefaultValueFactory = _ => 200 };
        var nodes = new Option<int>("--nodes") { Description = "GPU nodes (8 GPUs each).", DefaultValueFactory = _ => 40 };
        var hours = new Option<int>("--hours")
        {
            Description = "Hours simulated, centred on the month boundary.",
            DefaultValueFactory = _ => 8,
        };
        var seed = new Option<int>("--seed") { Description = "Simulation seed.", DefaultValueFactory = _ => 1 };
        var command = new Command(
            "demo",
            "Run the whole pipeline locally on Azurite: simulate, ingest, roll up, and print finance's month table."
        )
        {
            institutions,
            nodes,
            hours,
            seed,
        };
        command.SetAction(
            (result, cancellationToken) =>
                RunAsync(
                    context,
                    result.GetValue(institutions),
                    result.GetValue(nodes),
                    result.GetValue(hours),
                    result.GetValue(seed),
                    cancellationToken
                )
        );
        return command;
    }

    /// <summary>The demo's simulation: 8-GPU nodes sampled every minute, half the hours on each side of the month boundary.</summary>
    private static SimulationOptions Options(int institutionCount, int nodeCount, int hours, int seed, DateTimeOffset boundary) =>
        new()
        {
            Institutions = institutionCount,
            Nodes = nodeCount,
            GpusPerNode = 8,
            Start = boundary.AddHours(-(hours / 2)),
            Hours = hours,
            IntervalS = 60,
            Seed = seed,
            RealNames = true,
        };

    private static async Task<int> RunAsync(
        CliContext context,
        int institutionCount,
        int nodeCount,
        int hours,
        int seed,
        CancellationToken cancellationToken
    )
    {
        string repo = LocalAzurite.FindRepoRoot();
        BillingCalendar calendar = context.CreateCalendar();
        DateTimeOffset boundary = Boundary(calendar, context.TimeProvider.GetUtcNow(), hours);
        SimulationOptions options = Options(institutionCount, nodeCount, hours, seed, boundary);
        if (options.Validate() is { } problem)
        {
            await context.Error.WriteLineAsync($"metrics: {problem}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        string work = Directory.CreateTempSubdirectory("metrics-demo-").FullName;
        await using LocalAzurite azurite = await LocalAzurite
            .EnsureAsync(repo, Path.Combine(repo, ".azurite-demo"), context.Error, cancellationToken)
            .ConfigureAwait(false);
        StorageClients storage = context.CreateStorage();

        await context
            .Error.WriteLineAsync(
                $"demo: simulating {nodeCount} nodes x 8 GPUs for {institutionCount} institutions, {Window(options, boundary, calendar)}"
            )
            .ConfigureAwait(false);
        var months = new DemoMonths(
            BillingStorage.CreateQuery(storage, calendar),
            calendar.MonthOf(boundary.AddHours(-1)),
            calendar.MonthOf(boundary),
            Path.Combine(work, "truth.csv")
        );
        DemoRun run = await BillAsync(context, storage, calendar, options, months, repo, work, azurite.Started, cancellationToken)
            .ConfigureAwait(false);
        // Last, an allocation of the open month, at risk as of the end of the simulated window.
        DemoAllocationResult allocation = await DemoAllocation
            .RunAsync(storage, calendar, run.Second, options.End, cancellationToken)
            .ConfigureAwait(false);
        await PrintAsync(context, run, allocation).ConfigureAwait(false);
        await WritePagesAsync(context, months, run, allocation, work, cancellationToken).ConfigureAwait(false);
        await PrintStatusAsync(context, storage, calendar, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>
    /// The pipeline end to end: simulate, ingest both streams, roll up and check against the simulator's truth, compact
    /// and check again, then the month end.
    /// </summary>
    private static async Task<DemoRun> BillAsync(
        CliContext context,
        StorageClients storage,
        BillingCalendar calendar,
        SimulationOptions options,
        DemoMonths months,
        string repo,
        string work,
        bool azuriteStarted,
        CancellationToken cancellationToken
    )
    {
        SimulationSummary simulated = await context
            .WithProgressAsync("simulate", p => new ClusterSimulator(options, calendar.Zone).RunAsync(work, p, cancellationToken))
            .ConfigureAwait(false);
        await ImportSampleReferenceAsync(storage, repo, cancellationToken).ConfigureAwait(false);
        LocalHubTotals jobs = await IngestAsync(context, storage, TelemetryStream.Jobs, work, cancellationToken).ConfigureAwait(false);
        LocalHubTotals gpu = await IngestAsync(context, storage, TelemetryStream.Gpu, work, cancellationToken).ConfigureAwait(false);
        UsageRollup rollup = BillingStorage.CreateRollupHere(storage, calendar, context.TimeProvider);
        RollupResult rolled = await rollup.RunPendingAsync(cancellationToken).ConfigureAwait(false);

        (UsageReport first, UsageReport second) = await months.GetAsync(cancellationToken).ConfigureAwait(false);
        (int Matched, int Compared) check = months.Check(first, second);

        (CompactionResult compacted, (int Matched, int Compared) recheck) = await CompactAndRecheckAsync(
                context,
                storage,
                rollup,
                options,
                months,
                cancellationToken
            )
            .ConfigureAwait(false);

        // Month end: a voucher, the close, a late job booked as an adjustment of the closed month in the next one.
        DemoMonthEndResult monthEnd = await DemoMonthEnd
            .RunAsync(context, storage, calendar, rollup, options.Cluster, work, first, months.After, cancellationToken)
            .ConfigureAwait(false);
        (first, second) = await months.GetAsync(cancellationToken).ConfigureAwait(false);

        return new DemoRun(
            work,
            simulated,
            jobs,
            gpu,
            rolled,
            storage.Settings.Describe(),
            azuriteStarted,
            check,
            compacted,
            recheck,
            monthEnd,
            first,
            second
        );
    }

    private static string Window(SimulationOptions options, DateTimeOffset boundary, BillingCalendar calendar) =>
        $"{options.Start:yyyy-MM-dd HH:mm}Z to {options.End:yyyy-MM-dd HH:mm}Z (month boundary {boundary:yyyy-MM-dd HH:mm}Z = "
        + $"local midnight in {calendar.TimeZoneId})";

    /// <summary>
    /// What the compaction timer does once hours close: one sorted file per stream-hour. Then the hours are billed again
    /// from those files, and checked against the truth again.
    /// </summary>
    private static async Task<(CompactionResult Compacted, (int Matched, int Compared) Recheck)> CompactAndRecheckAsync(
        CliContext context,
        StorageClients storage,
        UsageRollup rollup,
        SimulationOptions options,
        DemoMonths months,
        CancellationToken cancellationToken
    )
    {
        CompactionResult compacted = await CompactionStorage
            .RunPendingAsync(
                storage,
                CompactionStorage.Create(storage, context.TimeProvider, LandedCompaction.DefaultGrace),
                context.TimeProvider,
                cancellationToken
            )
            .ConfigureAwait(false);
        await rollup.RunRangeAsync(options.Start, options.End, cancellationToken).ConfigureAwait(false);
        (UsageReport first, UsageReport second) = await months.GetAsync(cancellationToken).ConfigureAwait(false);
        return (compacted, months.Check(first, second));
    }

    /// <summary>The latest month boundary whose whole window is already in the past (events from the future are refused).</summary>
    private static DateTimeOffset Boundary(BillingCalendar calendar, DateTimeOffset now, int hours)
    {
        DateTimeOffset boundary = calendar.StartUtc(calendar.MonthOf(now));
        return boundary.AddHours(hours - (hours / 2)) > now.AddMinutes(-1) ? calendar.StartUtc(calendar.MonthOf(now).Previous()) : boundary;
    }

    /// <summary>
    /// The sample rate card, and the sample GPU-model catalogue that maps the simulator's real-world names (nvidia-smi's,
    /// Slurm's gres types) to the rate card's ids.
    /// </summary>
    private static async Task ImportSampleReferenceAsync(StorageClients storage, string repo, CancellationToken cancellationToken)
    {
        byte[] rates = await File.ReadAllBytesAsync(Path.Combine(repo, "tools", "samples", "rates.json"), cancellationToken)
            .ConfigureAwait(false);
        await RateCardImport
            .ImportAsync(
                new TableRateCardStore(storage.Tables),
                new BlobStatementStore(storage.Blobs).ListClosedAsync(cancellationToken),
                RateCardFile.Parse(rates),
                cancellationToken
            )
            .ConfigureAwait(false);
        byte[] models = await File.ReadAllBytesAsync(Path.Combine(repo, "tools", "samples", "gpu-models.json"), cancellationToken)
            .ConfigureAwait(false);
        await new BlobGpuModelStore(storage.Blobs)
            .ImportAsync(Core.Catalogue.GpuModelCatalogueFile.Parse(models), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>One simulated stream through the local event hub: 4 partitions, batches of 500, as a backfill.</summary>
    private static Task<LocalHubTotals> IngestAsync(
        CliContext context,
        StorageClients storage,
        TelemetryStream stream,
        string work,
        CancellationToken cancellationToken
    ) =>
        context.WithProgressAsync(
            $"ingest {stream.Name()}",
            p =>
                LocalIngest.RunAsync(
                    context,
                    storage,
                    stream,
                    Path.Combine(work, $"{stream.Name()}.jsonl"),
                    4,
                    500,
                    true,
                    p,
                    cancellationToken
                )
        );

    /// <summary>
    /// The pages people look at: the centre's overview of the closed month, the statement of the institution whose
    /// voucher paid (its credit and the voucher's balance are on it), and the open month's statement of the institution
    /// granted the allocation (its burn-down, as it stands now).
    /// </summary>
    private static async Task WritePagesAsync(
        CliContext context,
        DemoMonths months,
        DemoRun run,
        DemoAllocationResult allocation,
        string work,
        CancellationToken cancellationToken
    )
    {
        BillingMonth closed = months.Before;
        string institution = run.MonthEnd.Voucher.Institution;
        string granted = allocation.Standing.Allocation.Institution;
        foreach (
            (BillingMonth month, string? only, string file, string what) in new[]
            {
                (closed, (string?)null, $"overview-{closed}.html", $"the centre's overview of {closed}"),
                (closed, institution, $"statement-{closed}-{institution}.html", $"the statement of {institution} for {closed}"),
                (
                    months.After,
                    granted,
                    $"statement-{months.After}-{granted}.html",
                    $"the statement of {granted} for {months.After}, with its allocation's burn-down"
                ),
            }
        )
        {
            string path = Path.Combine(work, file);
            string html = await StatementCommand.RenderAsync(context, month, only, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(path, html, cancellationToken).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"pages: {what}: {path}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What an operator sees of it all (<c>metrics status</c>): nothing left for billing, compaction's marks, the last rollup.
    /// </summary>
    private static async Task PrintStatusAsync(
        CliContext context,
        StorageClients storage,
        BillingCalendar calendar,
        CancellationToken cancellationToken
    )
    {
        Metrics.Core.Operations.PipelineStatus status = await BillingStorage
            .CreateStatusQuery(storage, calendar, context.TimeProvider)
            .GetAsync(cancellationToken)
            .ConfigureAwait(false);
        foreach (string line in Core.Operations.StatusScreen.Lines(status))
        {
            await context.Out.WriteLineAsync("status: " + line).ConfigureAwait(false);
        }
    }

    /// <summary>What the demo did, for whoever runs it: one line per step, then finance's table.</summary>
    private static async Task PrintAsync(CliContext context, DemoRun run, DemoAllocationResult allocation)
    {
        TextWriter output = context.Out;
        foreach (string line in Lines(run).Append(allocation.Line()))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        IAnsiConsole console = AnsiConsole.Create(
            new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = context.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
                ColorSystem = context.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            }
        );
        if (!context.Interactive)
        {
            // Redirected output has no terminal width; give the table room instead of wrapping every cell.
            console.Profile.Width = 160;
        }

        console.Write(DemoFinanceTable.Create(run.First, run.Second));
    }

    /// <summary>One line per step of the run.</summary>
    private static IEnumerable<string> Lines(DemoRun run)
    {
        yield return string.Create(
            CultureInfo.InvariantCulture,
            $"simulated: gpu_events={run.Simulated.GpuEvents} job_events={run.Simulated.JobEvents} "
                + $"duplicates={run.Simulated.Duplicates} late={run.Simulated.LateEvents} bad={run.Simulated.BadEvents} "
                + $"silent_nodes={run.Simulated.SilentNodes} (files in {run.WorkDirectory})"
        );
        yield return string.Create(
            CultureInfo.InvariantCulture,
            $"ingested: jobs landed_rows={run.Jobs.LandedRows} deadlettered={run.Jobs.DeadLettered}; gpu "
                + $"landed_rows={run.Gpu.LandedRows} deadlettered={run.Gpu.DeadLettered}"
        );
        yield return string.Create(
            CultureInfo.InvariantCulture,
            $"rolled up: {run.Rolled.HoursRecomputed} hours, {run.Rolled.MonthsRecomputed} months"
        );
        yield return "landed Arrow files: blob container 'telemetry' (gpu/v1/..., jobs/v1/...); dead letters: container 'deadletter'; "
            + $"storage {run.Storage}";
        yield return $"  look at them with: dotnet run --project tools/Metrics.Cli -- inspect "
            + "telemetry/gpu/v1/"
            + (run.AzuriteStarted ? "   (after AZURITE_LOCATION=.azurite-demo tools/azurite/azurite.sh start)" : string.Empty);
        yield return string.Create(
            CultureInfo.InvariantCulture,
            $"check: billed GPU-hours equal the simulator's truth (within 0.001 h) for {run.Check.Matched} of "
                + $"{run.Check.Compared} (month, institution, model) lines"
        );
        IReadOnlyList<HourCompaction> streamHours = run.Compacted.Hours;
        yield return string.Create(
            CultureInfo.InvariantCulture,
            $"compacted: {streamHours.Count(h => h.Sources > 0)} closed stream-hours, {streamHours.Sum(h => h.Sources)} files "
                + $"({streamHours.Sum(h => h.BytesIn) / 1e6:F1} MB) into {streamHours.Sum(h => h.Files)} sorted files "
                + $"({streamHours.Sum(h => h.BytesOut) / 1e6:F1} MB); {run.Compacted.NotYetDue} not due yet; billed again from "
                + $"them: {run.Recheck.Matched} of {run.Recheck.Compared} lines equal the truth"
        );

        StatementSeal seal = run.MonthEnd.Closed.Statement!.Seal;
        JobEvent late = run.MonthEnd.LateJob;
        yield return string.Create(
            CultureInfo.InvariantCulture,
            $"closed: {run.First.Month} "
                + $"{(run.MonthEnd.Closed.Outcome == MonthCloseOutcome.Closed ? "closed" : "already closed")}: statement "
                + $"{seal.StatementId}, csv sha256 {seal.CsvSha256}; voucher {run.MonthEnd.Voucher.Id} "
                + $"({run.MonthEnd.Voucher.Amount:F2} {run.MonthEnd.Voucher.Currency}, at most {run.MonthEnd.Voucher.MaxShare:P0} "
                + $"of a month) pays towards {run.MonthEnd.Voucher.Institution}"
        );
        yield return string.Create(
            CultureInfo.InvariantCulture,
            $"late: job {late.JobId} of {late.Institution} ({late.Gpus} GPUs, "
                + $"{late.StartTime:yyyy-MM-dd HH:mm}Z-{late.EndTime:HH:mm}Z, in {run.First.Month}) reported after the close: "
                + $"{run.First.Month}'s statement is unchanged, {run.Second.Month} books the difference as an adjustment"
        );
    }
}
