namespace Metrics.Core.Tests.Contract;

public sealed class PartitionKeysTests
{
    [Fact]
    public void FromBody_GpuSample_IsTheNode()
    {
        Assert.Equal("gn0412", PartitionKeys.FromBody(TelemetryStream.Gpu, EventJson.Bytes(EventJson.Gpu(node: "gn0412"))));
    }

    [Fact]
    public void FromBody_JobEvent_IsClusterAndJob()
    {
        Assert.Equal("hefei-aicc-1:77", PartitionKeys.FromBody(TelemetryStream.Jobs, EventJson.Bytes(EventJson.Job(jobId: "77"))));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{\"node\":42}")]
    public void FromBody_NoUsableKey_IsNull(string body)
    {
        Assert.Null(PartitionKeys.FromBody(TelemetryStream.Gpu, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Assign_SameKey_AlwaysTheSamePartition_AndKeysSpreadOverAll()
    {
        int[] partitions = Enumerable.Range(0, 400).Select(i => PartitionKeys.Assign($"gn{i:D4}", 8)).ToArray();

        Assert.Equal(partitions, Enumerable.Range(0, 400).Select(i => PartitionKeys.Assign($"gn{i:D4}", 8)));
        Assert.Equal(8, partitions.Distinct().Count());
        Assert.All(partitions, p => Assert.InRange(p, 0, 7));
    }
}
