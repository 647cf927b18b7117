namespace Metrics.Cli.Commands;

/// <summary>
/// The demo's check: the billed GPU-hours of each (month, institution, model) against the simulator's truth.csv, which
/// the simulator keeps from the jobs it scheduled, not from the events it wrote.
/// </summary>
internal static class DemoTruthCheck
{
    public static (int Matched, int Compared) Compare(string truthFile, IEnumerable<UsageReport> reports)
    {
        // The month's own usage only: adjustments and credits are other lines of the same (institution, model) or none.
        var billed = reports
            .SelectMany(r => r.Lines)
            .Where(l => l.Type == UsageLineType.Usage)
            .ToDictionary(
                l => (l.Usage.Month.ToString(), l.Usage.Institution, l.Usage.GpuModel),
                l => UsageLine.ReportedHours(l.Usage.Seconds.Gpu)
            );
        int matched = 0,
            compared = 0;
        foreach (string line in File.ReadLines(truthFile).Skip(1))
        {
            string[] cells = line.Split(',');
            compared++;
            if (
                billed.TryGetValue((cells[0], cells[1], cells[2]), out decimal hours)
                && Math.Abs(hours - decimal.Parse(cells[4], CultureInfo.InvariantCulture)) <= 0.001m
            )
            {
                matched++;
            }
        }

        return (matched, compared);
    }
}
