using System.Globalization;
using Metrics.Core.Billing;

namespace Metrics.Simulator;

/// <summary>
/// The simulator's own expected billed GPU-hours per (month, institution, GPU model), computed from its job schedule
/// and the events it emitted: a job bills from its start to its end if the end event was sent, else to its latest
/// heartbeat. Independent of the pipeline, which must arrive at the same figures from the event files.
/// </summary>
internal sealed class TruthLedger(BillingCalendar calendar)
{
    private readonly SortedDictionary<(string Month, string Institution, string Model), (decimal GpuSeconds, int Jobs)> _lines = new();

    public void Add(SimulatedJob job)
    {
        DateTimeOffset end = job.EndEmitted ? job.EndTime : job.BilledThrough;
        if (end <= job.StartTime)
        {
            return;
        }

        for (BillingMonth month = calendar.MonthOf(job.StartTime); calendar.StartUtc(month) < end; month = month.Next())
        {
            TimeSpan overlap = UtcHours.Overlap(job.StartTime, end, calendar.StartUtc(month), calendar.EndUtc(month));
            if (overlap <= TimeSpan.Zero)
            {
                continue;
            }

            var key = (month.ToString(), job.Institution, job.GpuModel);
            _lines.TryGetValue(key, out var line);
            _lines[key] = (line.GpuSeconds + ((decimal)job.Gpus * UtcHours.ToSeconds(overlap)), line.Jobs + 1);
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
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{month},{institution},{model},{jobs},{UsageCsvWriter.Hours(seconds)}\n")).ConfigureAwait(false);
        }
    }
}
