using Metrics.Functions.Triggers;

namespace Metrics.Functions.Tests;

public sealed class EventHubBindingDataTests
{
    private static readonly DateTime s_t0 = new(2026, 11, 27, 9, 0, 16, DateTimeKind.Utc);

    [Fact]
    public void ToBatch_HostBindingData_MapsPartitionSequenceEnqueuedAndProperties()
    {
        byte[][] bodies = ["a"u8.ToArray(), "b"u8.ToArray()];
        FunctionContext context = FunctionContextBuilder.ForEventHubBatch(
            "17",
            [4000, 4001],
            [s_t0, s_t0.AddMilliseconds(5)],
            [new() { ["source"] = "agent", ["attempt"] = 2 }, new()]
        );

        EventBatch batch = EventHubBindingData.ToBatch(TelemetryStream.Gpu, bodies, context);

        Assert.Equal(TelemetryStream.Gpu, batch.Stream);
        Assert.Equal("17", batch.PartitionId);
        Assert.Equal([4000L, 4001L], batch.Events.Select(e => e.SequenceNumber));
        Assert.Equal(new DateTimeOffset(s_t0), batch.Events[0].EnqueuedTime);
        Assert.Equal(new DateTimeOffset(s_t0.AddMilliseconds(5)), batch.Events[1].EnqueuedTime);
        Assert.Equal(TimeSpan.Zero, batch.Events[0].EnqueuedTime.Offset);
        Assert.Equal("a"u8.ToArray(), batch.Events[0].Body.ToArray());
        Assert.Equal("agent", batch.Events[0].Properties!["source"]);
        Assert.Equal("2", batch.Events[0].Properties!["attempt"]);
        Assert.Null(batch.Events[1].Properties);
    }

    [Fact]
    public void ToBatch_WithoutPropertiesArray_HasNoProperties()
    {
        FunctionContext context = FunctionContextBuilder.ForEventHubBatch("0", [1], [s_t0]);

        EventBatch batch = EventHubBindingData.ToBatch(TelemetryStream.Jobs, ["x"u8.ToArray()], context);

        Assert.Null(Assert.Single(batch.Events).Properties);
    }

    [Fact]
    public void ToBatch_MoreBodiesThanSequenceNumbers_Throws()
    {
        FunctionContext context = FunctionContextBuilder.ForEventHubBatch("0", [1], [s_t0]);

        var ex = Assert.Throws<InvalidOperationException>(() =>
            EventHubBindingData.ToBatch(TelemetryStream.Gpu, ["x"u8.ToArray(), "y"u8.ToArray()], context)
        );
        Assert.Contains("2 bodies, 1 sequence numbers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToBatch_NoPartitionContext_ThrowsNamingTheKey()
    {
        FunctionContext context = FunctionContextBuilder.WithBindingData(
            new Dictionary<string, object?> { ["sequenceNumberArray"] = "[1]", ["enqueuedTimeUtcArray"] = "[\"2026-11-27T09:00:16Z\"]" }
        );

        var ex = Assert.Throws<InvalidOperationException>(() =>
            EventHubBindingData.ToBatch(TelemetryStream.Gpu, ["x"u8.ToArray()], context)
        );
        Assert.Contains("PartitionContext", ex.Message, StringComparison.Ordinal);
    }
}
