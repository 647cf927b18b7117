namespace Metrics.Core.Usage;

/// <summary>GPU time one (institution, model) line was seen in an hour's samples: active (utilisation-weighted) and observed.</summary>
public readonly record struct ObservedSeconds(decimal Active, decimal Observed)
{
    public static ObservedSeconds operator +(ObservedSeconds left, ObservedSeconds right) =>
        new(left.Active + right.Active, left.Observed + right.Observed);

    public ObservedSeconds Add(ObservedSeconds other) => this + other;
}
