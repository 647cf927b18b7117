using Metrics.Slurm.Controller;
using Metrics.Slurm.Hooks;

namespace Metrics.Slurm.Runs;

/// <summary>
/// Folds one poll into the runs the collector tracks: first the controller's hook records (read before the
/// snapshot, so the snapshot is never older than a hook), then the snapshot of <c>squeue --states=all</c>.
/// <list type="bullet">
/// <item>A run starts when a prolog record or the snapshot first shows it with nodes and a start time: its number is the
/// job's restart count, its start Slurm's <c>start_time</c>.</item>
/// <item>A run ends with the time Slurm gives: a finished job's <c>end_time</c> in the snapshot (with its state as the
/// exit state), or, for a requeued run, which no later snapshot shows, the epilog's record of it (exit state
/// <c>REQUEUED</c>). An epilog of a run the snapshot still shows as ending waits (up to <see cref="HookPatience"/>)
/// for the snapshot's final state, which names how it ended.</item>
/// <item>A run nothing will ever end (requeued while the hooks were not installed; gone from the controller because the
/// collector was down longer than <c>MinJobAge</c>) ends, once <see cref="HookPatience"/> has passed without an epilog
/// record for it, at the last poll that saw it running, marked inexact and logged: it is billed up to when it was last
/// seen, never for time nobody saw.</item>
/// </list>
/// </summary>
public sealed class RunTracker(CollectorState state, TextWriter log)
{
    public static readonly TimeSpan HookPatience = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs whose events are all sent are forgotten this long after they ended, which keeps the state file to the runs
    /// of a few hours. A job the controller still shows after that (a <c>MinJobAge</c> longer than this) is reported
    /// again with the same ids and bodies, which ingest counts once.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(6);

    /// <summary>Applies the poll at <paramref name="now"/> (Unix seconds); returns the hook records it used up.</summary>
    public IReadOnlyList<HookRecord> Apply(IReadOnlyList<HookRecord> hooks, IReadOnlyList<SlurmJob> snapshot, long now)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(snapshot);
        var jobs = new Dictionary<string, SlurmJob>(StringComparer.Ordinal);
        foreach (SlurmJob job in snapshot)
        {
            jobs[job.JobId] = job;
        }

        var used = new List<HookRecord>();
        foreach (HookRecord hook in hooks)
        {
            if (hook.IsEnd ? EndFromHook(hook, jobs, now) : StartFromHook(hook))
            {
                used.Add(hook);
            }
        }

        foreach (SlurmJob job in snapshot)
        {
            Observe(job, now);
        }

        CloseUnendable(jobs, now);
        Forget(now);
        return used;
    }

    private bool StartFromHook(HookRecord hook)
    {
        if (hook.Job is { Gpus: null })
        {
            // A job without GPUs: nothing to bill by GPU-hours.
            return true;
        }

        int run = hook.RestartCount ?? hook.Job?.RestartCount ?? 0;
        long start = hook.Job?.StartTime ?? hook.Time;
        TrackedRun tracked = Track(hook.JobId, run, start, hook.Job);
        tracked.LastSeen = Math.Max(tracked.LastSeen, hook.Time);
        return true;
    }

    private bool EndFromHook(HookRecord hook, Dictionary<string, SlurmJob> jobs, long now)
    {
        int restarts = hook.RestartCount ?? hook.Job?.RestartCount ?? int.MaxValue;
        TrackedRun? open = state.Runs.Values.Where(r => r.JobId == hook.JobId && !r.IsEnded && r.Run <= restarts).MaxBy(r => r.Run);
        if (open is null)
        {
            if (hook.Job is not { Gpus: null } && !state.Runs.Values.Any(r => r.JobId == hook.JobId))
            {
                log.WriteLine(
                    $"metrics-slurm: job {hook.JobId} ended a run at {hook.Time} whose start was never seen (is the prolog hook "
                        + $"PrologSlurmctld installed?); it is not reported"
                );
            }

            return true;
        }

        jobs.TryGetValue(hook.JobId, out SlurmJob? current);
        bool requeued =
            (hook.RestartCount ?? hook.Job?.RestartCount ?? open.Run) > open.Run
            || (current is not null && current.RestartCount > open.Run);
        if (
            !requeued
            && current is not null
            && current.RestartCount == open.Run
            && current.IsRunning
            && now - hook.Time < HookPatience.TotalSeconds
        )
        {
            // The controller is still finishing the run: its next snapshot has the end and the state that names it.
            return false;
        }

        if (!requeued && current is not null && current.RestartCount == open.Run && current.IsFinished)
        {
            // The snapshot ends it with Slurm's own end time and state.
            return true;
        }

        // On requeue Slurm stamps the requeue instant as the job's start time, which the epilog sees.
        long end = requeued
            ? (hook.Job?.StartTime is { } requeuedAt && requeuedAt >= open.Start && requeuedAt <= hook.Time ? requeuedAt : hook.Time)
            : hook.Job?.EndTime ?? hook.Time;
        Close(open, end, requeued ? "REQUEUED" : ExitState(hook), exact: true);
        return true;
    }

    private void Observe(SlurmJob job, long now)
    {
        if (!job.HasRun || job.Gpus is null)
        {
            // Never started, or holds no GPU: nothing to bill by GPU-hours, nothing to track.
            return;
        }

        if (job.State == "COMPLETING" && !state.Runs.ContainsKey(TrackedRun.KeyOf(job.JobId, job.RestartCount)))
        {
            // A requeue in progress: the restart count has moved on (and the start time to the requeue instant) while the
            // run that is ending is still the previous one. The next run starts only when a prolog or RUNNING says so.
            return;
        }

        TrackedRun run = Track(job.JobId, job.RestartCount, job.StartTime!.Value, job);
        if (run.IsEnded)
        {
            return;
        }

        if (job.IsFinished)
        {
            Close(run, job.EndTime ?? now, job.State, exact: job.EndTime is not null);
        }
        else
        {
            run.LastSeen = now;
        }
    }

    private void CloseUnendable(Dictionary<string, SlurmJob> jobs, long now)
    {
        foreach (TrackedRun run in state.Runs.Values.Where(r => !r.IsEnded).ToArray())
        {
            bool superseded = jobs.TryGetValue(run.JobId, out SlurmJob? job) && job.RestartCount > run.Run;
            if (job is not null && !superseded)
            {
                run.UnendedSince = null;
                continue;
            }

            run.UnendedSince ??= now;
            if (now - run.UnendedSince < HookPatience.TotalSeconds)
            {
                // The epilog record of a requeue is written a moment after the controller shows the new run.
                continue;
            }

            if (job is not null)
            {
                Close(run, run.LastSeen, "REQUEUED", exact: false);
                log.WriteLine(
                    $"metrics-slurm: job {run.JobId} run {run.Run} was requeued and no epilog record gave its end (is EpilogSlurmctld "
                        + $"installed?); reported as ended at {run.LastSeen}, when it was last seen running"
                );
            }
            else
            {
                Close(run, run.LastSeen, "UNKNOWN", exact: false);
                log.WriteLine(
                    $"metrics-slurm: job {run.JobId} run {run.Run} is gone from the controller (the collector was away longer than "
                        + $"MinJobAge?); reported as ended at {run.LastSeen}, when it was last seen running"
                );
            }
        }
    }

    private void Forget(long now)
    {
        foreach (TrackedRun run in state.Runs.Values.Where(r => r.EndedSent && r.End < now - (long)Retention.TotalSeconds).ToArray())
        {
            state.Runs.Remove(run.Key);
        }
    }

    private TrackedRun Track(string jobId, int run, long start, SlurmJob? job)
    {
        string key = TrackedRun.KeyOf(jobId, run);
        if (!state.Runs.TryGetValue(key, out TrackedRun? tracked))
        {
            tracked = new TrackedRun
            {
                JobId = jobId,
                Run = run,
                Start = start,
                LastSeen = start,
            };
            state.Runs.Add(key, tracked);
        }

        if (job is not null)
        {
            // What a run was given does not change while it runs: the first full view is kept.
            tracked.Submit ??= job.SubmitTime is { } submit && submit <= tracked.Start ? submit : null;
            tracked.Gpus ??= job.Gpus?.Count;
            tracked.Model ??= job.Gpus?.Type;
            tracked.Cpus ??= job.Cpus;
            tracked.MemGiB ??= job.MemGiB;
            tracked.Account ??= job.Account;
            tracked.User ??= job.User;
            tracked.Partition ??= job.Partition;
        }

        return tracked;
    }

    private static void Close(TrackedRun run, long end, string exitState, bool exact)
    {
        run.End = Math.Max(end, run.Start);
        run.ExitState = exitState;
        run.EndExact = exact;
    }

    private static string ExitState(HookRecord hook) =>
        hook.Job?.State is { } state && SlurmJob.Finished.Contains(state) ? state
        : hook.ExitCode is 0 ? "COMPLETED"
        : "FAILED";
}
