using OpenTelemetry.Metrics;

namespace Metrics.Cli;

/// <summary>
/// <c>--metrics console</c>'s output: one line per metric point, <c>metric: name{attr=value,...} = value unit</c>
/// (histograms as count and sum), sorted, so a script can grep it.
/// </summary>
internal static class MetricLines
{
    public static IEnumerable<string> Format(IEnumerable<Metric> metrics)
    {
        var lines = new List<string>();
        foreach (Metric metric in metrics)
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
            {
                var tags = new List<string>();
                foreach (KeyValuePair<string, object?> tag in point.Tags)
                {
                    tags.Add(string.Create(CultureInfo.InvariantCulture, $"{tag.Key}={tag.Value}"));
                }

                string value = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point
                        .GetSumDouble()
                        .ToString("0.###", CultureInfo.InvariantCulture),
                    MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble().ToString("0.###", CultureInfo.InvariantCulture),
                    MetricType.Histogram => string.Create(
                        CultureInfo.InvariantCulture,
                        $"count {point.GetHistogramCount()} sum {point.GetHistogramSum():0.###}"
                    ),
                    _ => "?",
                };
                string attributes = tags.Count == 0 ? string.Empty : "{" + string.Join(',', tags.Order(StringComparer.Ordinal)) + "}";
                lines.Add($"metric: {metric.Name}{attributes} = {value} {metric.Unit}".TrimEnd());
            }
        }

        return lines.Order(StringComparer.Ordinal);
    }
}
