namespace Metrics.Core.Tests.Usage;

public sealed class UsageSecondsTests
{
    [Fact]
    public void Sum_AddsEachFigureToItsOwn_Exactly()
    {
        var hour = new UsageSeconds(Gpu: 3600.5m, CpuCore: 7200m, ActiveGpu: 0.1m, ObservedGpu: 3600m);
        var late = new UsageSeconds(Gpu: 0.25m, CpuCore: 0m, ActiveGpu: 0.2m, ObservedGpu: 1m);

        Assert.Equal(new UsageSeconds(3600.75m, 7200m, 0.3m, 3601m), hour + late);
        Assert.Equal(hour, default(UsageSeconds) + hour);
    }
}
