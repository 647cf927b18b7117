namespace Metrics.Core.Allocations;

/// <summary>
/// A grant of compute to an institution, or to one of its accounts (projects), for a period of local dates
/// (inclusive): <see cref="Amount"/> GPU-hours when <see cref="Unit"/> is <see cref="GpuHours"/>, otherwise that much of
/// the currency <see cref="Unit"/> names. Terms never change once imported; a change is a new allocation.
/// </summary>
public sealed record Allocation(string Id, string Institution, string? Account, string Unit, decimal Amount, DateOnly From, DateOnly To)
{
    /// <summary>The unit of an allocation counted in billed GPU-hours, whatever the model.</summary>
    public const string GpuHours = "gpu-hours";

    public bool IsGpuHours => Unit == GpuHours;

    /// <summary>Whether <paramref name="day"/> is within the period.</summary>
    public bool Covers(DateOnly day) => From <= day && day <= To;
}
