using Metrics.Contract;
using Metrics.Slurm.Mapping;

namespace Metrics.Slurm.Runs;

/// <summary>
/// The <c>job-event/1</c> events each tracked run is due: <c>started</c> once, a <c>running</c> heartbeat per
/// heartbeat slot while it runs, <c>ended</c> once. Every event's id and body follow from the run and the slot alone
/// (<c>{cluster}:{job}:{run}:started</c>, <c>...:running:{slot}</c>, <c>...:ended</c>; <c>ts</c> the start, the slot,
/// the end), so a restart or a re-poll resends identical bodies, which ingest counts once. A run is held, and logged
/// once, while its account has no institution or its GPUs no type; it is sent as soon as they are known.
/// </summary>
public sealed class JobEventWriter(
    string cluster,
    AccountInstitutions institutions,
    string? defaultGpuModel,
    int heartbeatS,
    TextWriter log
)
{
    public IReadOnlyList<PendingEvent> Due(CollectorState state, long now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var due = new List<PendingEvent>();
        foreach (TrackedRun run in state.Runs.Values.OrderBy(r => r.Start).ThenBy(r => r.JobId, StringComparer.Ordinal).ThenBy(r => r.Run))
        {
            if (run.StartedSent && run.EndedSent)
            {
                continue;
            }

            if (run.Gpus is null or <= 0)
            {
                // A job without GPUs is not billed by GPU-hours: nothing to report.
                run.StartedSent = run.EndedSent = run.IsEnded;
                continue;
            }

            string? institution = institutions.Find(run.Account);
            string? model = run.Model ?? defaultGpuModel;
            string? held =
                institution is null ? $"its account '{run.Account ?? "(none)"}' has no institution in {institutions.Path}"
                : model is null ? "its GPUs have no gres type and no --default-gpu-model is set"
                : null;
            if (held is not null)
            {
                if (held != run.Held)
                {
                    log.WriteLine($"metrics-slurm: job {run.JobId} run {run.Run} is held: {held}");
                    run.Held = held;
                }

                continue;
            }

            run.Held = null;
            if (!run.StartedSent)
            {
                due.Add(Event(run, JobState.Started, run.Start, institution!, model!, r => r.StartedSent = true));
            }

            // A heartbeat says the run was running at its slot: only once a poll has seen it running at or after it.
            long slot = now - (now % heartbeatS);
            if (!run.IsEnded && slot > run.Start && slot <= run.LastSeen && (run.LastHeartbeat is null || slot > run.LastHeartbeat))
            {
                due.Add(Event(run, JobState.Running, slot, institution!, model!, r => r.LastHeartbeat = slot));
            }

            if (run.IsEnded && !run.EndedSent)
            {
                due.Add(Event(run, JobState.Ended, run.End!.Value, institution!, model!, r => r.EndedSent = true));
            }
        }

        return due;
    }

    private PendingEvent Event(TrackedRun run, JobState state, long ts, string institution, string model, Action<TrackedRun> markSent)
    {
        string id =
            state == JobState.Running
                ? string.Create(CultureInfo.InvariantCulture, $"{cluster}:{run.JobId}:{run.Run}:running:{ts}")
                : string.Create(CultureInfo.InvariantCulture, $"{cluster}:{run.JobId}:{run.Run}:{state.Name()}");
        var job = new JobEvent
        {
            EventId = id,
            Cluster = cluster,
            JobId = run.JobId,
            State = state,
            Ts = DateTimeOffset.FromUnixTimeSeconds(ts),
            Institution = institution,
            Account = IdOrNull(run.Account),
            User = IdOrNull(run.User),
            Queue = IdOrNull(run.Partition),
            SubmitTime = run.Submit is { } submit ? DateTimeOffset.FromUnixTimeSeconds(submit) : null,
            StartTime = DateTimeOffset.FromUnixTimeSeconds(run.Start),
            EndTime = state == JobState.Ended ? DateTimeOffset.FromUnixTimeSeconds(run.End!.Value) : null,
            Gpus = run.Gpus!.Value,
            GpuModel = model,
            Cpus = run.Cpus,
            MemGiB = run.MemGiB is { } mem ? Math.Round(mem, 3) : null,
            ExitState = state == JobState.Ended ? IdOrNull(run.ExitState) : null,
        };
        return new PendingEvent(run, ContractJson.Serialize(job), markSent);
    }

    /// <summary>
    /// An optional field is sent only when it is a valid contract id: a Slurm name the contract cannot carry is left out.
    /// </summary>
    private static string? IdOrNull(string? value) => value is not null && ContractPatterns.Id().IsMatch(value) ? value : null;
}
