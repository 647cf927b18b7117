using Metrics.Contract;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Rollup;

/// <summary>
/// What billing knows about one job run, folded from all of its events. A run is (cluster, job id, start time): Slurm
/// keeps the job id when it requeues a job, and the new run has a new start time, so each run is billed for its own
/// interval and an earlier run's end never stretches over the gap before the next one. Folding is commutative and idempotent: events
/// may arrive late, out of order or several times (same <c>eventId</c> from a resend) and the state is the same.
/// </summary>
/// <remarks>
/// The billed interval is <c>[StartTime, BilledEnd)</c>: up to <see cref="EndTime"/> once the job has ended,
/// otherwise up to its latest <c>started</c>/<c>running</c> event. A late <c>ended</c> event extends (or trims) it.
/// Attributes (institution, model, account, GPUs, CPUs) come from the event with the greatest (ts, eventId), so a correction
/// sent later wins deterministically.
/// </remarks>
public sealed record JobBillingState
{
    public required string Cluster { get; init; }
    public required string JobId { get; init; }
    public required string Institution { get; init; }
    public required string GpuModel { get; init; }

    /// <summary>The scheduler's account (project) the run is charged to; empty when its events name none.</summary>
    public string Account { get; init; } = string.Empty;
    public required double Gpus { get; init; }
    public required int Cpus { get; init; }
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>Latest <c>ts</c> of a started or running event.</summary>
    public required DateTimeOffset BilledThrough { get; init; }

    /// <summary>Set once an <c>ended</c> event has been seen.</summary>
    public DateTimeOffset? EndTime { get; init; }

    public required DateTimeOffset AttributesTs { get; init; }
    public required string AttributesEventId { get; init; }
    public DateTimeOffset? EndEventTs { get; init; }
    public string? EndEventId { get; init; }

    public DateTimeOffset BilledEnd => EndTime ?? (BilledThrough > StartTime ? BilledThrough : StartTime);

    public static JobBillingState From(JobEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new JobBillingState
        {
            Cluster = e.Cluster,
            JobId = e.JobId,
            Institution = e.Institution,
            GpuModel = e.GpuModel,
            Account = e.Account ?? string.Empty,
            Gpus = e.Gpus,
            Cpus = e.Cpus ?? 0,
            StartTime = e.StartTime,
            BilledThrough = e.State == JobState.Ended ? e.StartTime : e.Ts,
            EndTime = e.State == JobState.Ended ? e.EndTime : null,
            AttributesTs = e.Ts,
            AttributesEventId = e.EventId,
            EndEventTs = e.State == JobState.Ended ? e.Ts : null,
            EndEventId = e.State == JobState.Ended ? e.EventId : null,
        };
    }

    /// <summary>Folds one more event of the same job into the state.</summary>
    public JobBillingState Merge(JobEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Cluster != Cluster || e.JobId != JobId || e.StartTime != StartTime)
        {
            throw new ArgumentException(
                $"Event {e.EventId} belongs to run {e.Cluster}/{e.JobId}@{e.StartTime:O}, not to {Cluster}/{JobId}@{StartTime:O}.",
                nameof(e)
            );
        }

        JobBillingState merged = this;
        if (IsLater(e.Ts, e.EventId, AttributesTs, AttributesEventId))
        {
            merged = merged with
            {
                Institution = e.Institution,
                GpuModel = e.GpuModel,
                Account = e.Account ?? string.Empty,
                Gpus = e.Gpus,
                Cpus = e.Cpus ?? 0,
                AttributesTs = e.Ts,
                AttributesEventId = e.EventId,
            };
        }

        if (e.State == JobState.Ended)
        {
            if (EndEventTs is null || IsLater(e.Ts, e.EventId, EndEventTs.Value, EndEventId!))
            {
                merged = merged with { EndTime = e.EndTime, EndEventTs = e.Ts, EndEventId = e.EventId };
            }
        }
        else if (e.Ts > BilledThrough)
        {
            merged = merged with { BilledThrough = e.Ts };
        }

        return merged;
    }

    private static bool IsLater(DateTimeOffset ts, string eventId, DateTimeOffset otherTs, string otherEventId) =>
        ts > otherTs || (ts == otherTs && string.CompareOrdinal(eventId, otherEventId) > 0);
}
