namespace Metrics.Storage;

/// <summary>
/// Row keys of a job run (docs/billing.md): <c>{jobId}|{start ticks}</c> in <c>jobstates</c> (PartitionKey = cluster),
/// and <c>{cluster}|{jobId}|{start ticks}</c> in <c>jobhours</c> and <c>jobmonths</c>. Start ticks are the UTC ticks of
/// the run's <c>startTime</c>, 19 digits, so one job's runs sort by start.
/// </summary>
internal static class JobRunKeys
{
    public static string Run(string jobId, DateTimeOffset runStart) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}|{runStart.UtcTicks:D19}");

    public static string ClusterRun(string cluster, string jobId, DateTimeOffset runStart) => $"{cluster}|{Run(jobId, runStart)}";
}
