using Metrics.Core.Usage;

namespace Metrics.Core.Pricing;

/// <summary>
/// The rate card is append-only, so that what priced a closed month can always be shown again: an entry once imported
/// never changes (the same entry again is a no-op; other terms are refused), and a new entry may not take effect on or
/// before the last day of the latest closed month, which it would reprice. A correction is a new entry effective after
/// that day; the closed months' statements keep the rates they were closed with.
/// </summary>
public static class RateCardImport
{
    /// <summary>
    /// Imports what is new of <paramref name="entries"/>, against the closed months (<paramref name="closedMonths"/>, in
    /// order, as the statements list them); returns how many were added and how many were there already.
    /// </summary>
    /// <exception cref="InvalidOperationException">An entry would change an imported one, or reprice a closed month.</exception>
    public static async Task<(int Added, int Unchanged)> ImportAsync(
        IRateCardStore rates,
        IAsyncEnumerable<BillingMonth> closedMonths,
        IReadOnlyList<RateEntry> entries,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(closedMonths);
        ArgumentNullException.ThrowIfNull(entries);
        BillingMonth? latestClosed = null;
        await foreach (BillingMonth month in closedMonths.ConfigureAwait(false))
        {
            latestClosed = month;
        }

        RateCard card = await rates.ReadAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RateEntry> added = NewOnes(entries, card, latestClosed);
        if (added.Count > 0)
        {
            await rates.ImportAsync(added, cancellationToken).ConfigureAwait(false);
        }

        return (added.Count, entries.Count - added.Count);
    }

    /// <summary>The entries not imported before, checked against the card and the latest closed month.</summary>
    public static IReadOnlyList<RateEntry> NewOnes(IReadOnlyList<RateEntry> entries, RateCard card, BillingMonth? latestClosed)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(card);
        var added = new List<RateEntry>();
        foreach (RateEntry entry in entries)
        {
            RateEntry? known = card.Entries.FirstOrDefault(e =>
                e.Kind == entry.Kind && e.GpuModel == entry.GpuModel && e.EffectiveFrom == entry.EffectiveFrom
            );
            string what = string.Create(
                CultureInfo.InvariantCulture,
                $"the {(entry.GpuModel is null ? "CPU" : entry.GpuModel)} rate effective {entry.EffectiveFrom:yyyy-MM-dd}"
            );
            if (known is not null)
            {
                if (known.Rate != entry.Rate || known.Currency != entry.Currency)
                {
                    throw new InvalidOperationException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"{what} was imported as {known.Rate} {known.Currency}; a rate never changes: import a new entry effective "
                                + $"after {(latestClosed is { } c ? $"{c}, the latest closed month" : "the date it should apply from")}"
                        )
                    );
                }

                continue;
            }

            if (latestClosed is { } closed && entry.EffectiveFrom < closed.Next().FirstDay)
            {
                throw new InvalidOperationException(
                    $"{what} would reprice {closed} or an earlier month, which is closed; a correction takes effect from "
                        + $"{closed.Next().FirstDay:yyyy-MM-dd} or later"
                );
            }

            added.Add(entry);
        }

        return added;
    }
}
