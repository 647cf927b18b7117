using Metrics.Core.Observability;

namespace Metrics.Core.Rollup;

/// <summary>What the rollup records in the pipeline's metrics (<see cref="PipelineMetrics"/>).</summary>
public static class RollupMetrics
{
    /// <summary>One finished run: its duration and outcome, the hours and months it recomputed, its failed units by kind.</summary>
    public static void RollupFinished(this PipelineMetrics metrics, RollupResult result, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(result);
        metrics._rollupDuration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("outcome", result.Failures.Count == 0 ? "ok" : "failed")
        );
        metrics._hours.Add(result.HoursRecomputed);
        metrics._months.Add(result.MonthsRecomputed);
        foreach (var kind in result.Failures.GroupBy(f => f.Kind))
        {
            metrics._failedUnits.Add(kind.Count(), new KeyValuePair<string, object?>("kind", kind.Key.ToString().ToLowerInvariant()));
        }
    }
}
