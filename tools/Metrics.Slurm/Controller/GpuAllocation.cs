using System.Text.RegularExpressions;

namespace Metrics.Slurm.Controller;

/// <summary>
/// A job's GPUs as Slurm states them: how many in all, and their gres type when the request or the allocation names
/// one (<c>h100</c>; null for a plain <c>--gres=gpu:2</c>).
/// </summary>
public sealed partial record GpuAllocation(double Count, string? Type)
{
    /// <summary>
    /// The first of, in this order: the allocated TRES (<c>gres/gpu:h100=2</c>, present where accounting tracks
    /// <c>gres/gpu</c>), the per-node detail of a running job (<c>gpu:h100:2(IDX:0-1)</c>, summed over nodes), the
    /// per-job request (<c>gres:gpu:4</c>), the per-node request times the node count (<c>gres:gpu:h100:2</c> on 22.05,
    /// <c>gres/gpu:h100=2</c> later). Null for a job without GPUs.
    /// </summary>
    public static GpuAllocation? Of(string? tresAlloc, IReadOnlyList<string> gresDetail, string? tresPerJob, string? tresPerNode, int nodes)
    {
        ArgumentNullException.ThrowIfNull(gresDetail);
        if (Parse(tresAlloc) is { } allocated)
        {
            return allocated;
        }

        GpuAllocation? perNodeDetail = null;
        foreach (string node in gresDetail)
        {
            if (Parse(node) is { } detail)
            {
                perNodeDetail = new GpuAllocation((perNodeDetail?.Count ?? 0) + detail.Count, perNodeDetail?.Type ?? detail.Type);
            }
        }

        if (perNodeDetail is not null)
        {
            return perNodeDetail;
        }

        if (Parse(tresPerJob) is { } perJob)
        {
            return perJob;
        }

        return Parse(tresPerNode) is { } perNode ? perNode with { Count = perNode.Count * Math.Max(1, nodes) } : null;
    }

    /// <summary>The GPUs of one TRES or gres string; a typed entry wins over an untyped total of the same string.</summary>
    internal static GpuAllocation? Parse(string? spec)
    {
        if (string.IsNullOrEmpty(spec))
        {
            return null;
        }

        GpuAllocation? untyped = null;
        foreach (Match match in GpuEntry().Matches(spec))
        {
            double count = double.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture);
            if (count <= 0)
            {
                continue;
            }

            if (match.Groups["type"].Success)
            {
                return new GpuAllocation(count, match.Groups["type"].Value);
            }

            untyped ??= new GpuAllocation(count, null);
        }

        return untyped;
    }

    /// <summary><c>gpu</c>, an optional <c>:type</c>, then <c>:N</c> or <c>=N</c>; not <c>gpumem</c> or <c>gpuutil</c>.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_])gpu(?::(?<type>[^:=,()\s]+))?[:=](?<count>[0-9]+)(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex GpuEntry();
}
