using Metrics.Core.Catalogue;

namespace Metrics.Core.Usage;

/// <summary>
/// One job run's billed usage within one period (an hour or a month), in exact GPU- and CPU-core-seconds. A run is
/// (cluster, job id, start time): a requeued job has one run per start, each billed for its own interval.
/// </summary>
public sealed record JobUsage(
    string Cluster,
    string JobId,
    DateTimeOffset RunStart,
    string Institution,
    string GpuModel,
    TimeSpan Billed,
    decimal GpuSeconds,
    decimal CpuCoreSeconds,
    string Account = ""
)
{
    /// <summary>The run's line below its institution: institution, model and the job's account (project).</summary>
    public UsageKey Key => new(Institution, GpuModel, Account);
}
