namespace Metrics.Core.Usage;

/// <summary>
/// A usage line's figures, in exact decimal seconds: GPU-seconds billed (from job allocations), CPU core-seconds, and
/// the GPU-seconds nodes observed and observed busy (from telemetry, for utilisation). One value for the hourly, daily
/// and monthly lines, so that their figures cannot be passed in different orders, and sum as one.
/// </summary>
public readonly record struct UsageSeconds(decimal Gpu, decimal CpuCore, decimal ActiveGpu, decimal ObservedGpu)
{
    /// <summary>Exact: decimal addition of seconds never rounds at the centre's scale.</summary>
    public static UsageSeconds operator +(UsageSeconds left, UsageSeconds right) =>
        new(left.Gpu + right.Gpu, left.CpuCore + right.CpuCore, left.ActiveGpu + right.ActiveGpu, left.ObservedGpu + right.ObservedGpu);
}
