namespace Metrics.Core.Ledger;

/// <summary>Where a statement's day-by-day figures come from, which decides whether they add up to its lines.</summary>
public enum DailySource
{
    /// <summary>An open month: the billing tables now, read until they agree with the month's lines.</summary>
    Current,

    /// <summary>A closed month: the daily usage frozen with its statement; they add up to its lines exactly.</summary>
    Frozen,

    /// <summary>
    /// A month closed before daily usage was frozen: the billing tables now, which include usage that arrived after the
    /// close (billed as adjustments later), so the days may add up to more than the lines.
    /// </summary>
    CurrentAfterClose,
}
