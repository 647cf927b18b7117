using System.Globalization;

namespace Metrics.Simulator;

/// <summary>
/// The simulator's own expected billed GPU-hours per (month, institution, GPU model), computed from its job schedule
/// and the events it emitted: a job bills from its start to its end if the end event was sent, else to its latest
/// heartbeat.
/// <para>
/// An oracle must not share the code it checks: months, overlaps and rounding are worked out here from
/// <see cref="TimeZoneInfo"/> and plain ticks, not with the pipeline's <c>BillingCalendar</c>, <c>UtcHours</c> or CSV
/// writer, so a month-boundary or rounding mistake there shows up as a difference against this file.
/// </para>
/// </summary>
internal sealed class TruthLedger(TimeZoneInfo zone)
{
    private readonly SortedDictionary<(string Month, string Institution, string Model), (decimal GpuSeconds, int Jobs)> _lines = new();

    public void Add(SimulatedJob job)
    {
        long start = job.StartTime.UtcTicks;
        long end = (job.EndEmitted ? job.EndTime : job.BilledThrough).UtcTicks;
        if (end <= start)
        {
            return;
        }

        // Local calendar months of the zone, from the one the job starts in, while they start before the job ends.
        DateTime local = TimeZoneInfo.ConvertTimeFromUtc(job.StartTime.UtcDateTime, zone);
        for (var month = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified); ; month = month.AddMonths(1))
        {
            long monthStart = TimeZoneInfo.ConvertTimeToUtc(month, zone).Ticks;
            if (monthStart >= end)
            {
                break;
            }

            long monthEnd = TimeZoneInfo.ConvertTimeToUtc(month.AddMonths(1), zone).Ticks;
            long overlap = Math.Min(end, monthEnd) - Math.Max(start, monthStart);
            if (overlap <= 0)
            {
                continue;
            }

            var key = (month.ToString("yyyy-MM", CultureInfo.InvariantCulture), job.Institution, job.GpuModel);
            _lines.TryGetValue(key, out var line);
            _lines[key] = (line.GpuSeconds + ((decimal)job.Gpus * overlap / 10_000_000m), line.Jobs + 1);
        }
    }

    public int Lines => _lines.Count;

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path);
        await writer.WriteAsync("month,institution,gpu_model,jobs,gpu_hours\n").ConfigureAwait(false);
        foreach (((string month, string institution, string model), (decimal seconds, int jobs)) in _lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            decimal hours = Math.Round(seconds / 3600m, 4, MidpointRounding.AwayFromZero);
            await writer
                .WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{month},{institution},{model},{jobs},{hours:F4}\n"))
                .ConfigureAwait(false);
        }
    }
}
