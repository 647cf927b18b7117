using Metrics.Slurm.Controller;
using Metrics.Slurm.Hooks;
using Metrics.Slurm.Runs;

namespace Metrics.Slurm;

/// <summary>
/// One poll of the controller: read the hook records, then <c>squeue</c>; fold both into the tracked runs; hand every
/// event due to <see cref="Emit"/> (the spool, or the terminal in a dry run); save the state; delete the hook records it
/// used. Nothing is deleted before what it says is saved, and nothing is marked sent before it is spooled.
/// </summary>
public sealed class SlurmCollector(
    ISqueue squeue,
    HookDirectory hooks,
    CollectorState state,
    JobEventWriter writer,
    TextWriter log,
    TimeProvider time
)
{
    /// <summary>Hands one event on; false when it could not be taken (the spool refused it): it is offered again next poll.</summary>
    public required Func<byte[], bool> Emit { get; init; }

    /// <summary>Where the state is saved after each poll; null in a dry run, which keeps it in memory and deletes no hook record.</summary>
    public string? StateDirectory { get; init; }

    public CollectorState State => state;

    /// <summary>One poll; returns how many events it emitted. Throws when the controller cannot be read (nothing changed then).</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<HookRecord> records = hooks.Read();
        byte[] json = await squeue.ReadAsync(cancellationToken).ConfigureAwait(false);
        var warnings = new List<string>();
        IReadOnlyList<SlurmJob> jobs = SqueueJson.Parse(json, warnings);
        foreach (string warning in warnings)
        {
            await log.WriteLineAsync($"metrics-slurm: {warning}").ConfigureAwait(false);
        }

        long now = time.GetUtcNow().ToUnixTimeSeconds();
        IReadOnlyList<HookRecord> used = new RunTracker(state, log).Apply(records, jobs, now);
        int emitted = 0;
        foreach (PendingEvent pending in writer.Due(state, now))
        {
            if (!Emit(pending.Body))
            {
                break;
            }

            pending.MarkSent(pending.Run);
            emitted++;
        }

        if (StateDirectory is not null)
        {
            state.Save(StateDirectory);
            foreach (HookRecord record in used)
            {
                HookDirectory.Delete(record);
            }
        }

        return emitted;
    }
}
