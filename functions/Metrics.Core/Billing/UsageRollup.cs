using System.Collections.ObjectModel;

namespace Metrics.Core.Billing;

/// <summary>
/// The billing rollup, run by the timer function and by <c>metrics rollup</c>. Under a lock, it works through the marks:
/// <list type="number">
/// <item>each dirty <c>jobs</c> hour: fold the hour's job events into durable job states; where a job's billed usage
/// changed, rewrite exactly the hours and months it changed and mark those hours <c>usage</c>;</item>
/// <item>each dirty <c>gpu</c> or <c>usage</c> hour: recompute that hour's lines from the jobs billed in it and the GPU
/// samples overlapping it (files of the hour and the next), replace them, and mark its billing month;</item>
/// <item>each dirty month: recompute its lines from its hours and replace them.</item>
/// </list>
/// A mark is cleared only after its work is written, and only if nobody re-marked it meanwhile, so a crash or a
/// concurrent ingest leaves the work for the next run instead of losing it.
/// <para>
/// One poisoned hour never blocks the others: if folding a job hour, recomputing an hour or recomputing a month throws,
/// that one keeps its mark, is reported in <see cref="RollupResult.Failures"/> with its key and the error, and the run
/// goes on. Only a lost lock or a cancellation stops the run.
/// </para>
/// <para>
/// A rollup that stalls past its lease without noticing cannot overwrite a later holder's work: job states are saved on
/// condition of the version read, and hours, days and months are replaced fenced by the lease's generation. A fenced-out
/// write (<see cref="FencedWriteException"/>) stops the run like a lost lock.
/// </para>
/// </summary>
public sealed class UsageRollup(
    IRollupMarks marks,
    ILandedFiles files,
    IJobStateStore jobs,
    IUsageStore usage,
    IRollupLock rollupLock,
    BillingCalendar calendar
)
{
    /// <summary>
    /// Bound on the distinct GPU samples an hour's recompute holds at once (see <see cref="ObservedHourReader"/>): the
    /// rollup's memory does not grow with the hour's size.
    /// </summary>
    public int MaxSamplesInMemory { get; init; } = ObservedHourReader.DefaultMaxSamplesInMemory;

    /// <summary>Where each run leaves word of what it did, for <c>metrics status</c>; none in tests that do not ask.</summary>
    public IRollupRuns? Runs { get; init; }

    /// <summary>Where each run is measured (see <see cref="Operations.PipelineMetrics"/>).</summary>
    public Operations.PipelineMetrics Metrics { get; init; } = Operations.PipelineMetrics.Shared;

    /// <summary>The clock the age of pending marks is measured against.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Job hours whose events are read before their runs' states are: a day's worth, some 60,000 events of the national
    /// centre (about 20 MB) held at once.
    /// </summary>
    private const int JobHoursReadTogether = 24;

    /// <summary>How long a rollup waits for another to finish before giving up (the timer simply tries again later).</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(5);

    /// <summary>Processes every pending mark.</summary>
    /// <param name="progress">Told of each unit written and cleared (<c>jobs 2026112710</c>, <c>usage ...</c>, <c>month
    /// 2026-11</c>).</param>
    public Task<RollupResult> RunPendingAsync(CancellationToken cancellationToken, IProgress<string>? progress = null) =>
        RunAsync(null, progress, cancellationToken);

    /// <summary>Re-reads and recomputes the UTC hours <c>[from, to]</c> (both inclusive), then everything else pending.</summary>
    public Task<RollupResult> RunRangeAsync(
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken,
        IProgress<string>? progress = null
    )
    {
        if (to < from)
        {
            throw new ArgumentException("The end of the range is before its start.", nameof(to));
        }

        return RunAsync((UtcHours.Floor(from), UtcHours.Floor(to)), progress, cancellationToken);
    }

    private async Task<RollupResult> RunAsync(
        (DateTimeOffset From, DateTimeOffset To)? range,
        IProgress<string>? progress,
        CancellationToken callerToken
    )
    {
        await using IRollupLease lease = await rollupLock.AcquireAsync(LockWait, callerToken).ConfigureAwait(false);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();

        // Stop at once if the lock is lost mid-run: another rollup may hold it now, and two must never interleave.
        using var work = CancellationTokenSource.CreateLinkedTokenSource(callerToken, lease.Lost);
        CancellationToken cancellationToken = work.Token;
        if (range is { } r)
        {
            var keys = new List<string>();
            for (DateTimeOffset hour = r.From; hour <= r.To; hour = hour.AddHours(1))
            {
                keys.Add(UtcHours.Key(hour));
            }

            await marks.MarkAsync(MarkKind.Jobs, keys, cancellationToken).ConfigureAwait(false);
            await marks.MarkAsync(MarkKind.Gpu, keys, cancellationToken).ConfigureAwait(false);
        }

        var failures = new List<RollupFailure>();
        IReadOnlyList<RollupMark> jobMarks = await marks.ListAsync(MarkKind.Jobs, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RollupMark> gpuMarks = await marks.ListAsync(MarkKind.Gpu, cancellationToken).ConfigureAwait(false);
        Metrics.RollupStarted(jobMarks, gpuMarks, Time.GetUtcNow());

        // Hours that received files are hours to compact once they close. Marked before the ingest marks are cleared,
        // so no landed hour escapes compaction; one upsert per kind per run, where ingest marking them too would cost
        // every batch a second write.
        await marks.MarkAsync(MarkKind.CompactJobs, jobMarks.Select(m => m.Key).ToArray(), cancellationToken).ConfigureAwait(false);
        await marks.MarkAsync(MarkKind.CompactGpu, gpuMarks.Select(m => m.Key).ToArray(), cancellationToken).ConfigureAwait(false);

        (int jobKept, int jobsChanged) = await FoldJobMarksAsync(jobMarks, failures, progress, cancellationToken).ConfigureAwait(false);
        (int hoursKept, int hoursRecomputed) = await RecomputeHourMarksAsync(
                gpuMarks,
                failures,
                progress,
                lease.Generation,
                cancellationToken
            )
            .ConfigureAwait(false);
        (int monthsKept, int monthsListed) = await RecomputeMonthMarksAsync(failures, progress, lease.Generation, cancellationToken)
            .ConfigureAwait(false);
        var result = new RollupResult(
            jobMarks.Count,
            jobsChanged,
            hoursRecomputed,
            monthsListed - failures.Count(f => f.Kind == MarkKind.Month),
            jobKept + hoursKept + monthsKept
        )
        {
            Failures = failures,
        };
        Metrics.RollupFinished(result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        if (Runs is not null)
        {
            await Runs.RecordAsync(result, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// The hour phase: every hour marked <c>gpu</c> or <c>usage</c> recomputed, then each such hour's billing day, then
    /// their months marked, and only then the hour marks cleared. Returns the marks kept for the next run and how many
    /// hours were written with their days.
    /// </summary>
    private async Task<(int Kept, int Recomputed)> RecomputeHourMarksAsync(
        IReadOnlyList<RollupMark> gpuMarks,
        List<RollupFailure> failures,
        IProgress<string>? progress,
        long generation,
        CancellationToken cancellationToken
    )
    {
        var hourMarks = gpuMarks
            .Concat(await marks.ListAsync(MarkKind.Usage, cancellationToken).ConfigureAwait(false))
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToArray();
        var recomputed = new List<IGrouping<string, RollupMark>>(hourMarks.Length);
        foreach (var hour in hourMarks)
        {
            if (
                await IsolatedAsync(
                        MarkKind.Usage,
                        hour.Key,
                        failures,
                        () => RecomputeHourAsync(ParseHour(hour.First()), generation, cancellationToken),
                        cancellationToken
                    )
                    .ConfigureAwait(false)
            )
            {
                recomputed.Add(hour);
            }
        }

        // Each recomputed hour's billing day is summed again from its hours (at most 25), once per day. An hour whose day
        // failed keeps its mark, so the next run recomputes both.
        var byDay = recomputed.GroupBy(h => calendar.DayOf(ParseHour(h.First()))).OrderBy(d => d.Key).ToArray();
        recomputed.Clear();
        foreach (var day in byDay)
        {
            string dayKey = day.Key.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (
                await IsolatedAsync(
                        MarkKind.Usage,
                        dayKey,
                        failures,
                        () => RecomputeDayAsync(day.Key, generation, cancellationToken),
                        cancellationToken
                    )
                    .ConfigureAwait(false)
            )
            {
                recomputed.AddRange(day);
            }
        }

        // The days' months are marked once, after every hour and day is written and before any hour mark is cleared: a
        // crash in between leaves the hour marks, and the next run recomputes them (and their days) and marks the months
        // again. A failed hour's month is marked when that hour finally succeeds.
        string[] months = recomputed
            .Select(h => calendar.MonthOf(ParseHour(h.First())).ToString())
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (months.Length > 0)
        {
            await marks.MarkAsync(MarkKind.Month, months, cancellationToken).ConfigureAwait(false);
        }

        int kept = 0;
        foreach (var hour in recomputed)
        {
            foreach (RollupMark mark in hour)
            {
                kept += await ClearAsync(mark, cancellationToken).ConfigureAwait(false);
            }

            progress?.Report($"usage {hour.Key}");
        }

        return (kept, recomputed.Count);
    }

    /// <summary>The month phase: every marked month summed again from its days. Returns the marks kept and the months listed.</summary>
    private async Task<(int Kept, int Listed)> RecomputeMonthMarksAsync(
        List<RollupFailure> failures,
        IProgress<string>? progress,
        long generation,
        CancellationToken cancellationToken
    )
    {
        int kept = 0;
        IReadOnlyList<RollupMark> monthMarks = await marks.ListAsync(MarkKind.Month, cancellationToken).ConfigureAwait(false);
        foreach (RollupMark mark in monthMarks.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (
                await IsolatedAsync(
                        MarkKind.Month,
                        mark.Key,
                        failures,
                        () => RecomputeMonthAsync(ParseMonth(mark), generation, cancellationToken),
                        cancellationToken
                    )
                    .ConfigureAwait(false)
            )
            {
                kept += await ClearAsync(mark, cancellationToken).ConfigureAwait(false);
                progress?.Report($"month {mark.Key}");
            }
        }

        return (kept, monthMarks.Count);
    }

    /// <summary>
    /// The job phase: the marked job hours, a chunk at a time. Returns the marks kept for the next run (re-marked while
    /// folded) and how many runs' billed usage changed.
    /// </summary>
    private async Task<(int Kept, int Changed)> FoldJobMarksAsync(
        IReadOnlyList<RollupMark> jobMarks,
        List<RollupFailure> failures,
        IProgress<string>? progress,
        CancellationToken cancellationToken
    )
    {
        int kept = 0,
            jobsChanged = 0;
        var known = new KnownJobStates();
        foreach (RollupMark[] chunk in jobMarks.OrderBy(m => m.Key, StringComparer.Ordinal).Chunk(JobHoursReadTogether))
        {
            // The chunk's events first, then every run they name in one read: runs of many hours together are dense
            // enough in job ids to read as ranges (TableJobStateStore), where each hour alone names a scattered few.
            Dictionary<string, List<JobEvent>> events = await ReadChunkAsync(chunk, failures, cancellationToken).ConfigureAwait(false);

            // The readable hours are folded as one unit: events merge in any order, so the chunk's states are the same as
            // hour by hour, but each run's rows and state are written once, not once per hour it has events in.
            RollupMark[] readable = chunk.Where(m => events.ContainsKey(m.Key)).ToArray();
            if (readable.Length == 0)
            {
                continue;
            }

            try
            {
                jobsChanged += await FoldJobEventsAsync(
                        readable.Select(ParseHour).ToArray(),
                        [.. readable.SelectMany(m => events[m.Key])],
                        known,
                        cancellationToken
                    )
                    .ConfigureAwait(false);
            }
            catch (JobStateConflictException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Another rollup saved these runs meanwhile: every hour of the unit keeps its mark for the next run.
                failures.AddRange(
                    readable.Select(m => new RollupFailure(MarkKind.Jobs, m.Key, ex.GetType().FullName ?? ex.GetType().Name, ex.Message))
                );
                known.Clear();
                continue;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && readable.Length > 1)
            {
                // Something in one hour failed the unit: fold the hours one by one, so that only that hour waits. What
                // the unit wrote or saved is unknown, so the runs are read again (rows first, states last keeps a
                // repeated fold exact).
                known.Clear();
                (int keptAlone, int changedAlone) = await FoldOneByOneAsync(readable, events, known, failures, progress, cancellationToken)
                    .ConfigureAwait(false);
                kept += keptAlone;
                jobsChanged += changedAlone;
                continue;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add(new RollupFailure(MarkKind.Jobs, readable[0].Key, ex.GetType().FullName ?? ex.GetType().Name, ex.Message));
                known.Clear();
                continue;
            }

            foreach (RollupMark mark in readable)
            {
                kept += await ClearAsync(mark, cancellationToken).ConfigureAwait(false);
                progress?.Report($"jobs {mark.Key}");
            }
        }

        return (kept, jobsChanged);
    }

    /// <summary>The events of each job hour of a chunk; an hour that cannot be read is a failure and stays marked.</summary>
    private async Task<Dictionary<string, List<JobEvent>>> ReadChunkAsync(
        RollupMark[] chunk,
        List<RollupFailure> failures,
        CancellationToken cancellationToken
    )
    {
        var events = new Dictionary<string, List<JobEvent>>(StringComparer.Ordinal);
        foreach (RollupMark mark in chunk)
        {
            await IsolatedAsync(
                    MarkKind.Jobs,
                    mark.Key,
                    failures,
                    async () =>
                    {
                        events[mark.Key] = await ReadJobEventsAsync(ParseHour(mark), cancellationToken).ConfigureAwait(false);
                    },
                    cancellationToken
                )
                .ConfigureAwait(false);
        }

        return events;
    }

    /// <summary>
    /// The hours of a unit that failed, folded alone: each that folds has its mark cleared; one that fails stays marked,
    /// and the runs are read again after it (what it wrote or saved is unknown).
    /// </summary>
    private async Task<(int Kept, int Changed)> FoldOneByOneAsync(
        RollupMark[] hours,
        Dictionary<string, List<JobEvent>> events,
        KnownJobStates known,
        List<RollupFailure> failures,
        IProgress<string>? progress,
        CancellationToken cancellationToken
    )
    {
        int kept = 0,
            changed = 0;
        foreach (RollupMark mark in hours)
        {
            bool folded = await IsolatedAsync(
                    MarkKind.Jobs,
                    mark.Key,
                    failures,
                    async () =>
                    {
                        changed += await FoldJobEventsAsync([ParseHour(mark)], events[mark.Key], known, cancellationToken)
                            .ConfigureAwait(false);
                    },
                    cancellationToken
                )
                .ConfigureAwait(false);
            if (folded)
            {
                kept += await ClearAsync(mark, cancellationToken).ConfigureAwait(false);
                progress?.Report($"jobs {mark.Key}");
            }
            else
            {
                known.Clear();
            }
        }

        return (kept, changed);
    }

    /// <summary>
    /// Runs one unit of work (a job hour, an hour, a month); on failure records it and returns false so its mark stays.
    /// Cancellation, including a lost lock, is not a failure of the unit: it stops the whole run, as does a write fenced
    /// out by a later holder of the lock (the lock was lost unnoticed).
    /// </summary>
    private static async Task<bool> IsolatedAsync(
        MarkKind kind,
        string key,
        List<RollupFailure> failures,
        Func<Task> work,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await work().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not FencedWriteException)
        {
            failures.Add(new RollupFailure(kind, key, ex.GetType().FullName ?? ex.GetType().Name, ex.Message));
            return false;
        }
    }

    private static BillingMonth ParseMonth(RollupMark mark) =>
        BillingMonth.TryParse(mark.Key, out BillingMonth month)
            ? month
            : throw new InvalidDataException($"Month mark '{mark.Key}' is not yyyy-MM.");

    /// <summary>One hour's landed job events, from every partition.</summary>
    private Task<List<JobEvent>> ReadJobEventsAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        CompactionRace.ListAgainIfGoneAsync(async () =>
        {
            var events = new List<JobEvent>();
            IReadOnlyList<string> paths = await files.ListHourAsync(TelemetryStream.Jobs, hour, cancellationToken).ConfigureAwait(false);
            await foreach (Stream stream in LandedFileStreams.OpenInOrderAsync(files, paths, cancellationToken).ConfigureAwait(false))
            {
                events.AddRange(await LandedRowReader.ReadJobEventsAsync(stream, cancellationToken).ConfigureAwait(false));
            }

            return events;
        });

    /// <summary>
    /// Folds the job events of <paramref name="hours"/> into job states; returns how many runs' billed usage changed. A
    /// run already read or saved by this rollup is taken from <paramref name="known"/> with the version it is at.
    /// </summary>
    private async Task<int> FoldJobEventsAsync(
        IReadOnlyList<DateTimeOffset> hours,
        List<JobEvent> events,
        KnownJobStates known,
        CancellationToken cancellationToken
    )
    {
        var hourChanges = new List<JobUsageChange>();
        var monthChanges = new List<JobUsageChange>();
        var changed = new List<(JobBillingState After, StoredJobState? Before)>();
        // One state per run: a requeued job (same id, a new start after an end) is a new run with its own interval.
        var runs = events
            .GroupBy(JobRunKey.Of)
            .OrderBy(g => g.Key.Cluster, StringComparer.Ordinal)
            .ThenBy(g => g.Key.JobId, StringComparer.Ordinal)
            .ThenBy(g => g.Key.RunStart)
            .ToArray();
        await known.LoadAsync(jobs, runs.Select(r => r.Key), cancellationToken).ConfigureAwait(false);
        foreach (var job in runs)
        {
            known.TryGet(job.Key, out StoredJobState? stored);
            JobBillingState? before = stored?.State;
            JobBillingState after = before ?? JobBillingState.From(job.First());
            foreach (JobEvent e in job)
            {
                after = after.Merge(e);
            }

            if (after == before && stored?.UnsettledUntil is null)
            {
                continue;
            }

            (IEnumerable<JobUsageChange> runHours, IEnumerable<JobUsageChange> runMonths) = RowChanges(after, stored);
            hourChanges.AddRange(runHours);
            monthChanges.AddRange(runMonths);
            changed.Add((after, stored));
        }

        // Order makes a crash harmless: usage rows and marks first, job states last. Until the states are saved, a
        // re-run folds the same events again, finds the same changes and rewrites the same rows.
        cancellationToken.ThrowIfCancellationRequested();
        await usage.WriteJobHoursAsync(hourChanges, cancellationToken).ConfigureAwait(false);
        await usage.WriteJobMonthsAsync(monthChanges, cancellationToken).ConfigureAwait(false);
        string[] touched = hourChanges.Select(c => c.Period).Distinct(StringComparer.Ordinal).ToArray();
        if (touched.Length > 0)
        {
            await marks.MarkAsync(MarkKind.Usage, touched, cancellationToken).ConfigureAwait(false);
        }

        await SaveStatesAsync(hours, changed, known, cancellationToken).ConfigureAwait(false);
        return changed.Count;
    }

    /// <summary>
    /// The rows of a run to write, each with the run's usage in its period (null: the row goes). Normally the periods
    /// whose usage changed; after a lost race, every period up to <c>UnsettledUntil</c>, whose rows may hold a stale
    /// writer's values.
    /// </summary>
    private (IEnumerable<JobUsageChange> Hours, IEnumerable<JobUsageChange> Months) RowChanges(
        JobBillingState after,
        StoredJobState? stored
    )
    {
        JobBillingState? before = stored?.State;
        IReadOnlyDictionary<DateTimeOffset, JobUsage> afterHours = JobContributions.ByHour(after);
        IReadOnlyDictionary<BillingMonth, JobUsage> afterMonths = JobContributions.ByMonth(after, calendar);
        if (stored?.UnsettledUntil is { } unsettled)
        {
            JobBillingState basis = Widest(after, before!, unsettled);
            return (
                Rows(after, JobContributions.ByHour(basis).Keys.Select(h => (h, afterHours.GetValueOrDefault(h))), UtcHours.Key),
                Rows(
                    after,
                    JobContributions.ByMonth(basis, calendar).Keys.Select(m => (m, afterMonths.GetValueOrDefault(m))),
                    m => m.ToString()
                )
            );
        }

        IReadOnlyDictionary<DateTimeOffset, JobUsage> beforeHours = before is null
            ? ReadOnlyDictionary<DateTimeOffset, JobUsage>.Empty
            : JobContributions.ByHour(before);
        IReadOnlyDictionary<BillingMonth, JobUsage> beforeMonths = before is null
            ? ReadOnlyDictionary<BillingMonth, JobUsage>.Empty
            : JobContributions.ByMonth(before, calendar);
        return (
            Rows(after, JobContributions.Changes(beforeHours, afterHours), UtcHours.Key),
            Rows(after, JobContributions.Changes(beforeMonths, afterMonths), m => m.ToString())
        );
    }

    private static IEnumerable<JobUsageChange> Rows<TPeriod>(
        JobBillingState run,
        IEnumerable<(TPeriod Period, JobUsage? Usage)> periods,
        Func<TPeriod, string> key
    ) => periods.Select(p => new JobUsageChange(key(p.Period), run.Cluster, run.JobId, run.StartTime, p.Usage));

    /// <summary>
    /// Saves the changed runs' states, last (after their rows and marks), and remembers the versions saved. A run another
    /// rollup saved since we read it is flagged unsettled and the hours are marked again; then the unit fails.
    /// </summary>
    private async Task SaveStatesAsync(
        IReadOnlyList<DateTimeOffset> hours,
        List<(JobBillingState After, StoredJobState? Before)> changed,
        KnownJobStates known,
        CancellationToken cancellationToken
    )
    {
        JobStateSave[] saves = changed.Select(c => new JobStateSave(c.After, null, c.Before?.Version)).ToArray();
        JobStateSaveResult saved = await jobs.SaveManyAsync(saves, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<JobRunKey> conflicts = saved.Conflicts;
        for (int i = 0; i < saves.Length; i++)
        {
            if (saved.Versions.TryGetValue(saves[i].Run, out string? version))
            {
                known.Remember(saves[i].Run, new StoredJobState(changed[i].After, version, UnsettledUntil: null));
            }
            else
            {
                known.Forget(saves[i].Run);
            }
        }

        if (conflicts.Count > 0)
        {
            // Another rollup saved these runs since we read them (our lease expired under us). Our rows above may have
            // overwritten its rows with values from a stale state: flag each run so that the next fold rewrites them
            // all, and fold these hours again next time.
            var lost = conflicts.ToHashSet();
            for (int i = 0; i < saves.Length; i++)
            {
                if (lost.Contains(saves[i].Run))
                {
                    await FlagUnsettledAsync(changed[i].After, changed[i].Before, cancellationToken).ConfigureAwait(false);
                }
            }

            await marks.MarkAsync(MarkKind.Jobs, hours.Select(UtcHours.Key).ToArray(), cancellationToken).ConfigureAwait(false);
            JobRunKey first = conflicts[0];
            throw new JobStateConflictException(
                $"{conflicts.Count} job run(s) of these hours were saved by another rollup meanwhile; flagged for a full rewrite and left "
                    + $"for the next run. First: {first.Cluster}/{first.JobId}@{first.RunStart:O}"
            );
        }
    }

    /// <summary>Marks a run whose save lost a race as unsettled, retrying on the winner's newer versions.</summary>
    private async Task FlagUnsettledAsync(JobBillingState ours, StoredJobState? read, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            StoredJobState? current = await jobs.GetAsync(ours.Cluster, ours.JobId, ours.StartTime, cancellationToken)
                .ConfigureAwait(false);
            JobBillingState state = current?.State ?? ours;
            DateTimeOffset until = new[]
            {
                ours.BilledEnd,
                state.BilledEnd,
                read?.State.BilledEnd ?? ours.BilledEnd,
                current?.UnsettledUntil ?? ours.BilledEnd,
                read?.UnsettledUntil ?? ours.BilledEnd,
            }.Max();
            try
            {
                await jobs.SaveAsync(state, until, current?.Version, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (JobStateConflictException) when (attempt < 5)
            {
                // Yet another save got in between: read again.
            }
        }
    }

    /// <summary>A copy of the run reaching as far as any state its rows may reflect, to enumerate every period to rewrite.</summary>
    private static JobBillingState Widest(JobBillingState after, JobBillingState before, DateTimeOffset unsettledUntil)
    {
        DateTimeOffset end = new[] { after.BilledEnd, before.BilledEnd, unsettledUntil }.Max();
        return after with { EndTime = end, BilledThrough = end };
    }

    private async Task RecomputeHourAsync(DateTimeOffset hour, long generation, CancellationToken cancellationToken)
    {
        IReadOnlyList<JobUsage> jobUsage = await usage.ReadJobHoursAsync(hour, cancellationToken).ConfigureAwait(false);

        // Streamed batch by batch in bounded memory; a sample in the next hour's files can reach back into this hour.
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed = await new ObservedHourReader(files, MaxSamplesInMemory)
            .ReadAsync(hour, JobAccounts.Of(jobUsage), cancellationToken)
            .ConfigureAwait(false);
        IReadOnlyList<HourlyUsage> lines = HourlyAggregator.Compute(hour, jobUsage, observed);
        cancellationToken.ThrowIfCancellationRequested();
        await usage.ReplaceHourAsync(hour, lines, generation, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecomputeDayAsync(DateOnly day, long generation, CancellationToken cancellationToken)
    {
        IAsyncEnumerable<HourlyUsage> hours = usage.ReadHoursAsync(
            calendar.StartUtc(day),
            calendar.StartUtc(day.AddDays(1)),
            cancellationToken
        );
        IReadOnlyList<DailyUsage> lines = await MonthlyAggregator.ComputeDayAsync(day, hours, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await usage.ReplaceDayAsync(day, lines, generation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A month from its days' partial sums: its cost does not grow with the day of the month.</summary>
    private async Task RecomputeMonthAsync(BillingMonth month, long generation, CancellationToken cancellationToken)
    {
        IReadOnlyList<JobUsage> jobMonths = await usage.ReadJobMonthsAsync(month, cancellationToken).ConfigureAwait(false);
        IAsyncEnumerable<DailyUsage> days = usage.ReadDaysAsync(month.FirstDay, month.Next().FirstDay, cancellationToken);
        MonthlyLines lines = await MonthlyAggregator.ComputeFromDaysAsync(month, days, jobMonths, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await usage.ReplaceMonthAsync(month, lines, generation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Clears a mark whose work is written; returns 1 if it was re-marked meanwhile (kept for the next run).</summary>
    private async Task<int> ClearAsync(RollupMark mark, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await marks.ClearAsync(mark, cancellationToken).ConfigureAwait(false) ? 0 : 1;
    }

    private static DateTimeOffset ParseHour(RollupMark mark) =>
        UtcHours.TryParseKey(mark.Key, out DateTimeOffset hour)
            ? hour
            : throw new InvalidDataException($"Hour mark '{mark.Key}' is not yyyyMMddHH.");
}
