namespace Metrics.Storage;

/// <summary>A run of job ids of one cluster dense enough to read as one RowKey range of <c>jobstates</c>.</summary>
internal sealed record JobIdWindow(string Cluster, string FirstJobId, string LastJobId);

/// <summary>
/// Splits the runs a job hour names into dense windows of numeric job ids (read by range) and the rest (read one by
/// one). Ids of one length compare as numbers and as strings alike, so a window is a RowKey range; ids that are not
/// plain numbers, or of another length, are never grouped with others.
/// </summary>
internal static class JobIdWindows
{
    /// <summary>A window must ask for at least this share of the ids it spans.</summary>
    private const double MinDensity = 0.5;

    public static (List<JobIdWindow> Windows, List<JobRunKey> Single) Plan(IEnumerable<JobRunKey> runs, int minRuns)
    {
        var windows = new List<JobIdWindow>();
        var single = new List<JobRunKey>();
        foreach (var group in runs.GroupBy(r => (r.Cluster, Length: IsPlainNumber(r.JobId) ? r.JobId.Length : -1)))
        {
            if (group.Key.Length < 0 || group.Key.Length > 18)
            {
                single.AddRange(group);
                continue;
            }

            // Runs sorted by id; a window grows while the ids it spans stay at least half asked for.
            JobRunKey[] sorted = group.OrderBy(r => r.JobId, StringComparer.Ordinal).ThenBy(r => r.RunStart).ToArray();
            int start = 0;
            while (start < sorted.Length)
            {
                long first = Id(sorted[start]);
                int end = start;
                int distinct = 1;
                while (end + 1 < sorted.Length)
                {
                    long next = Id(sorted[end + 1]);
                    int distinctIfTaken = distinct + (next == Id(sorted[end]) ? 0 : 1);
                    if (distinctIfTaken < MinDensity * (next - first + 1))
                    {
                        break;
                    }

                    distinct = distinctIfTaken;
                    end++;
                }

                int count = end - start + 1;
                if (count >= minRuns)
                {
                    windows.Add(new JobIdWindow(group.Key.Cluster, sorted[start].JobId, sorted[end].JobId));
                }
                else
                {
                    single.AddRange(sorted[start..(end + 1)]);
                }

                start = end + 1;
            }
        }

        return (windows, single);
    }

    private static long Id(JobRunKey run) => long.Parse(run.JobId, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Digits only, without a leading zero (which would not compare as a number).</summary>
    private static bool IsPlainNumber(string jobId) =>
        jobId.Length > 0 && jobId[0] != '0' && jobId.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
}
