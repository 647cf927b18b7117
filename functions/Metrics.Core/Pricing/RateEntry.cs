using Metrics.Core.Catalogue;

namespace Metrics.Core.Pricing;

/// <summary>
/// One effective-dated rate: from local date <see cref="EffectiveFrom"/> (in the billing time zone) on, a GPU-hour of
/// <see cref="GpuModel"/> (or a CPU core-hour) costs <see cref="Rate"/> in <see cref="Currency"/>.
/// </summary>
public sealed record RateEntry(RateKind Kind, string? GpuModel, DateOnly EffectiveFrom, decimal Rate, string Currency);
