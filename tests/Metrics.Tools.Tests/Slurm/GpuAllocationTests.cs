using Metrics.Slurm.Controller;

namespace Metrics.Tools.Tests.Slurm;

/// <summary>Every form Slurm states a job's GPUs in, 22.05's and later.</summary>
public sealed class GpuAllocationTests
{
    [Theory]
    [InlineData(null, "", null, "gres:gpu:h100:2", 1, 2, "h100")]
    [InlineData(null, "", null, "gres/gpu:h100=2", 1, 2, "h100")]
    [InlineData(null, "", null, "gres:gpu:h100:8", 4, 32, "h100")]
    [InlineData(null, "", null, "gres:gpu:2", 1, 2, null)]
    [InlineData(null, "", "gres:gpu:4", "gres:gpu:h100:1", 2, 4, null)]
    [InlineData("cpu=1,node=1,billing=1,gres/gpu=4,gres/gpu:a100=4", "", null, "gres:gpu:h100:1", 1, 4, "a100")]
    [InlineData("cpu=2,gres/gpumem=80G,gres/gpu=1", "", null, null, 1, 1, null)]
    [InlineData("cpu=1,node=1,billing=1", "gpu:h100:2(IDX:0-1)|gpu:h100:2(IDX:4-5)", null, "gres:gpu:h100:1", 2, 4, "h100")]
    [InlineData(null, "", null, "gres:gpu:nvidia_h100_80gb_hbm3_1g.10gb:1", 1, 1, "nvidia_h100_80gb_hbm3_1g.10gb")]
    [InlineData(null, "", null, "gres:shard:4,gres:gpu:h100:1", 1, 1, "h100")]
    public void Of_EachForm_GivesTheCountAndType(
        string? alloc,
        string detail,
        string? perJob,
        string? perNode,
        int nodes,
        double count,
        string? type
    )
    {
        string[] details = detail.Length == 0 ? [] : detail.Split('|');

        Assert.Equal(new GpuAllocation(count, type), GpuAllocation.Of(alloc, details, perJob, perNode, nodes));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("gres:license:1")]
    [InlineData("cpu=4,mem=16G,node=1")]
    [InlineData("gres:gpu:0")]
    public void Of_NoGpus_IsNull(string? perNode) => Assert.Null(GpuAllocation.Of(null, [], null, perNode, 1));
}
