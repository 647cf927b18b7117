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

    /// <summary><c>gpu/date=2026-09-10/hour=07/gpu-2026-09-10T07.parquet</c> (and the same under <c>jobs/</c>).</summary>
    public static string Hour(TelemetryStream stream, DateTimeOffset hour) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{HourFolder(stream, hour)}/{stream.Name()}-{hour.UtcDateTime:yyyy-MM-dd'T'HH}.parquet"
        );

    public static string HourFolder(TelemetryStream stream, DateTimeOffset hour) =>
        string.Create(CultureInfo.InvariantCulture, $"{stream.Name()}/date={hour.UtcDateTime:yyyy-MM-dd}/hour={hour.UtcDateTime:HH}");

    /// <summary><c>usage/month=2026-09/usage-2026-09.parquet</c>.</summary>
    public static string Usage(BillingMonth month) => $"usage/month={month}/usage-{month}.parquet";
}
