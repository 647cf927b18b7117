using Metrics.Contract;
using Metrics.Core.Usage;

namespace Metrics.Core.Lake;

/// <summary>
/// Where the lake keeps what: Hive-style folders any engine reads as partition columns (<c>date</c>, <c>hour</c>,
/// <c>month</c>), one Parquet file in each. The file names carry the same keys, so a file copied out alone still says
/// what it holds.
/// </summary>
public static class LakePaths
{
    public const string Container = "lake";

    public const string ContentType = "application/vnd.apache.parquet";

    /// <summary><c>gpu/date=2026-09-10/hour=07/gpu-2026-09-10T07.parquet</c>: the samples stamped in that hour.</summary>
    public static string GpuHour(DateTimeOffset hour) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{HourFolder(TelemetryStream.Gpu, hour)}/gpu-{hour.UtcDateTime:yyyy-MM-dd'T'HH}.parquet"
        );

    /// <summary>
    /// <c>jobs/date=2026-09-10/hour=07/jobs-landed-2026-09-10T09.parquet</c>: the events stamped in hour 07 that landed
    /// (were received) in hour 09. Job events land in the hour they arrive, so one event hour gathers a file from each
    /// hour its events arrived in.
    /// </summary>
    public static string JobsHour(DateTimeOffset eventHour, DateTimeOffset landedHour) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{HourFolder(TelemetryStream.Jobs, eventHour)}/jobs-landed-{landedHour.UtcDateTime:yyyy-MM-dd'T'HH}.parquet"
        );

    public static string HourFolder(TelemetryStream stream, DateTimeOffset hour) =>
        string.Create(CultureInfo.InvariantCulture, $"{stream.Name()}/date={hour.UtcDateTime:yyyy-MM-dd}/hour={hour.UtcDateTime:HH}");

    /// <summary><c>usage/month=2026-09/usage-2026-09.parquet</c>.</summary>
    public static string Usage(BillingMonth month) => $"usage/month={month}/usage-{month}.parquet";
}
