namespace Metrics.Core.Pricing;

/// <summary>The effective-dated rate card.</summary>
public interface IRateCardStore
{
    Task<RateCard> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces entries (same kind, model and effective date replaces).</summary>
    Task ImportAsync(IReadOnlyList<RateEntry> entries, CancellationToken cancellationToken);
}
