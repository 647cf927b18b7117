using System.Collections.ObjectModel;
using Metrics.Contract;
using Metrics.Core.Landing;
using Metrics.Core.Ports;
using Metrics.Core.Scan;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// The rollup's job phase: the marked job hours' events folded into durable job states (table <c>jobstates</c>), a
/// day's worth of hours at a time. Where a run's billed usage changed, exactly the hours and months it changed are
/// rewritten (<c>jobhours</c>, <c>jobmonths</c>) and those hours marked <c>usage</c> for the hour phase. States are
/// saved last and conditionally, so a crash or a rollup that lost its lease leaves nothing half counted.
/// </summary>
internal sealed class JobFold(IWorkMarks marks, ILandedFiles files, IJobStateStore jobs, IUsageStore usage, BillingCalendar calendar)
{
    /// <summary>
    /// Job hours whose events are read before their runs' states are: a day's worth, some 60,000 events of the national
    /// centre (about 20 MB) held at once.
    /// </summary>
    private const int JobHoursReadTogether = 24;

    /// <summary>
    /// The job phase: the marked job hours, a chunk at a time. Returns the marks kept for the next run (re-marked while
    /// folded) and how many runs' billed usage changed.
    /// </summary>
    public async Task<(int Kept, int Changed)> RunAsync(LeasedRun run, IReadOnlyList<WorkMark> jobMarks, IProgress<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(run);
        int kept = 0,
            jobsChanged = 0;
        var known = new KnownJobStates();
        foreach (WorkMark[] chunk in jobMarks.OrderBy(m => m.Key, StringComparer.Ordinal).Chunk(JobHoursReadTogether))
        {
            // The chunk's events first, then every run they name in one read: runs of many hours together are dense
            // enough in job ids to read as ranges (TableJobStateStore), where each hour alone names a scattered few.
            Dictionary<string, List<JobEvent>> events = await ReadChunkAsync(run, chunk).ConfigureAwait(false);

            // The readable hours are folded as one unit: events merge in any order, so the chunk's states are the same as
            // hour by hour, but each run's rows and state are written once, not once per hour it has events in.
            WorkMark[] readable = chunk.Where(m => events.ContainsKey(m.Key)).ToArray();
            if (readable.Length > 0)
            {
                (int k, int c) = await FoldUnitAsync(run, readable, events, known, progress).ConfigureAwait(false);
                kept += k;
                jobsChanged += c;
            }
        }

        return (kept, jobsChanged);
    }

    /// <summary>
    /// Folds the readable hours of a chunk as one unit and clears their marks; if the unit fails, records it (a lost race
    /// keeps every hour marked) or folds the hours one by one so that only the failing one waits.
    /// </summary>
    private async Task<(int Kept, int Changed)> FoldUnitAsync(
        LeasedRun run,
        WorkMark[] readable,
        Dictionary<string, List<JobEvent>> events,
        KnownJobStates known,
        IProgress<string>? progress
    )
    {
        CancellationToken cancellationToken = run.Token;
        int changed;
        try
        {
            changed = await FoldJobEventsAsync(
                    readable.Select(MarkKeys.Hour).ToArray(),
                    [.. readable.SelectMany(m => events[m.Key])],
                    known,
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        catch (JobStateConflictException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Another rollup saved these runs meanwhile: every hour of the unit keeps its mark for the next run.
            foreach (WorkMark mark in readable)
            {
                run.Fail(UnitFailure.Of(MarkKind.Jobs, mark.Key, ex));
            }

            known.Clear();
            return (0, 0);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && readable.Length > 1)
        {
            // Something in one hour failed the unit: fold the hours one by one, so that only that hour waits. What the
            // unit wrote or saved is unknown, so the runs are read again (rows first, states last keeps a repeated fold
            // exact).
            known.Clear();
            return await FoldOneByOneAsync(run, readable, events, known, progress).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            run.Fail(UnitFailure.Of(MarkKind.Jobs, readable[0].Key, ex));
            known.Clear();
            return (0, 0);
        }

        int kept = 0;
        foreach (WorkMark mark in readable)
        {
            kept += await run.ClearAsync(marks, mark).ConfigureAwait(false);
            progress?.Report($"jobs {mark.Key}");
        }

        return (kept, changed);
    }

    /// <summary>The events of each job hour of a chunk; an hour that cannot be read is a failure and stays marked.</summary>
    private async Task<Dictionary<string, List<JobEvent>>> ReadChunkAsync(LeasedRun run, WorkMark[] chunk)
    {
        var events = new Dictionary<string, List<JobEvent>>(StringComparer.Ordinal);
        foreach (WorkMark mark in chunk)
        {
            await run.UnitAsync(
                    MarkKind.Jobs,
                    mark.Key,
                    async token => events[mark.Key] = await ReadJobEventsAsync(MarkKeys.Hour(mark), token).ConfigureAwait(false)
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
        LeasedRun run,
        WorkMark[] hours,
        Dictionary<string, List<JobEvent>> events,
        KnownJobStates known,
        IProgress<string>? progress
    )
    {
        int kept = 0,
            changed = 0;
        foreach (WorkMark mark in hours)
        {
            bool folded = await run.UnitAsync(
                    MarkKind.Jobs,
                    mark.Key,
                    async token =>
                        changed += await FoldJobEventsAsync([MarkKeys.Hour(mark)], events[mark.Key], known, token).ConfigureAwait(false)
                )
                .ConfigureAwait(false);
            if (folded)
            {
                kept += await run.ClearAsync(marks, mark).ConfigureAwait(false);
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
    /// Folds <paramref name="events"/> of <paramref name="hours"/> as one unit, its runs read afresh: what a queued job
    /// unit does with its slice of runs. Returns how many runs' billed usage changed.
    /// </summary>
    internal Task<int> FoldAsync(IReadOnlyList<DateTimeOffset> hours, List<JobEvent> events, CancellationToken cancellationToken) =>
        FoldJobEventsAsync(hours, events, new KnownJobStates(), cancellationToken);

    /// <summary>One hour's landed job events, from every partition.</summary>
    internal Task<List<JobEvent>> ReadJobEventsAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
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
}
