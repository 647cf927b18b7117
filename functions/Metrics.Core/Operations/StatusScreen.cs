using System.Globalization;
using Metrics.Contract;
using Metrics.Core.Work;

namespace Metrics.Core.Operations;

/// <summary>
/// The operator's screen of a <see cref="PipelineStatus"/>, as <c>metrics status</c> prints it and <c>GET /api/status</c>
/// serves it: a line per subject, in key=value form where it can be, then a verdict.
/// </summary>
public static class StatusScreen
{
    /// <summary>
    /// The last line, and whether all is well: stale when the oldest pending billing work has waited longer than
    /// <paramref name="maxLag"/>, overdue when a month is past its close grace and open, else fresh.
    /// </summary>
    public static (bool Healthy, string Line) Verdict(PipelineStatus status, TimeSpan maxLag)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Staleness(maxLag) is { } stale)
        {
            return (false, $"billing: STALE: {stale}");
        }

        if (status.OverdueMonths.Count > 0)
        {
            return (
                false,
                $"billing: OVERDUE: {string.Join(' ', status.OverdueMonths.Select(o => o.Month))} past the close grace and not closed"
            );
        }

        return (true, string.Create(CultureInfo.InvariantCulture, $"billing: fresh (limit {maxLag.TotalMinutes:0} min)"));
    }

    /// <summary>The screen, a line per subject, in key=value form where it can be.</summary>
    public static IEnumerable<string> Lines(PipelineStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        IFormatProvider inv = CultureInfo.InvariantCulture;
        yield return string.Create(inv, $"status at {status.At:yyyy-MM-ddTHH:mm:ss}Z");
        foreach ((MarkKind kind, PendingMarks pending) in status.Marks.OrderBy(m => m.Key))
        {
            string oldest = pending.OldestMarkedAt is { } at ? string.Create(inv, $" oldest={Age(status.At - at)}") : string.Empty;
            string role = PipelineStatus.BillingKinds.Contains(kind) ? "billing" : "compaction";
            yield return string.Create(inv, $"marks: {WorkUnit.NameOf(kind)} pending={pending.Count}{oldest} ({role})");
        }

        yield return status.LastRollup is { } run
            ? string.Create(
                inv,
                $"last rollup: finished {run.FinishedAt:yyyy-MM-ddTHH:mm:ss}Z ({Age(status.At - run.FinishedAt)} ago), "
                    + $"{(run.Succeeded ? "ok" : "FAILED")}: job_hours={run.JobHoursRead} hours={run.HoursRecomputed} "
                    + $"months={run.MonthsRecomputed} marks_kept={run.MarksKept} failed_hours={run.FailedHours} "
                    + $"failed_months={run.FailedMonths}{(run.FirstFailure is { } f ? "; first: " + f : string.Empty)}"
            )
            : "last rollup: none recorded";
        foreach ((TelemetryStream stream, DateTimeOffset? hour) in status.NewestLandedHour.OrderBy(h => h.Key))
        {
            yield return hour is { } h
                ? string.Create(inv, $"landed: {stream.Name()} newest hour {h:yyyy-MM-ddTHH}Z ({Age(status.At - h)} since it began)")
                : $"landed: {stream.Name()} nothing yet";
        }

        foreach (string line in Problems(status))
        {
            yield return line;
        }
    }

    /// <summary>The lines about what went wrong or waits: dead letters, unknown GPU models, overdue and closed months.</summary>
    private static IEnumerable<string> Problems(PipelineStatus status)
    {
        IFormatProvider inv = CultureInfo.InvariantCulture;
        foreach (TelemetryStream stream in Enum.GetValues<TelemetryStream>())
        {
            var reasons = status
                .DeadLettersByReason.Where(r => r.Key.Stream == stream)
                .OrderByDescending(r => r.Value)
                .ThenBy(r => r.Key.Reason, StringComparer.Ordinal)
                .ToArray();
            string byReason = string.Join(' ', reasons.Select(r => string.Create(inv, $"{r.Key.Reason}={r.Value}")));
            yield return string.Create(inv, $"dead letters (24 h): {stream.Name()}={reasons.Sum(r => r.Value)}")
                + (byReason.Length > 0 ? ": " + byReason : string.Empty);
        }

        yield return string.Create(inv, $"unknown GPU models: {status.UnknownModels.Count}")
            + (status.UnknownModels.Count == 0 ? string.Empty : " (add them to the catalogue: metrics models import FILE)");
        foreach (Catalogue.UnknownModelSighting unknown in status.UnknownModels)
        {
            yield return string.Create(
                inv,
                $"  unknown model: {unknown.Stream.Name()} '{unknown.Name}' rows={unknown.Rows} "
                    + $"last seen {unknown.LastSeen:yyyy-MM-ddTHH:mm}Z"
            );
        }

        foreach (FailedUnit failed in status.FailedUnits)
        {
            yield return string.Create(
                inv,
                $"units: {(failed.Poisoned ? "POISONED" : "failing")} {WorkUnit.NameOf(failed.Failure.Kind)} {failed.Failure.Key} "
                    + $"after {failed.Attempts} attempt(s), last {failed.At:yyyy-MM-ddTHH:mm}Z: {failed.Failure.ExceptionType}: "
                    + $"{failed.Failure.Message}"
            );
        }

        if (status.Allocations is { } allocations)
        {
            yield return string.Create(
                inv,
                $"allocations: watched={allocations.Watched} at-risk={allocations.AtRisk} exhausted={allocations.Exhausted}"
            ) + (allocations.AtRisk + allocations.Exhausted == 0 ? string.Empty : " (which: metrics allocations list)");
        }

        foreach (OverdueMonth overdue in status.OverdueMonths)
        {
            yield return overdue.LastRefusal is { } refusal
                ? string.Create(
                    inv,
                    $"months: overdue {overdue.Month}: last close {refusal.At:yyyy-MM-ddTHH:mm}Z left it open: {refusal.Reason}"
                )
                : $"months: overdue {overdue.Month}: no close has been tried (is the MonthClose timer running?)";
        }

        yield return (status.ClosedMonths.Count == 0 ? "months: closed none" : $"months: closed {string.Join(' ', status.ClosedMonths)}")
            + $"; open {status.OpenMonths}";
    }

    private static string Age(TimeSpan age) =>
        age.TotalMinutes < 120
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, Math.Floor(age.TotalMinutes)):0}m")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(age.TotalHours):0}h");
}
