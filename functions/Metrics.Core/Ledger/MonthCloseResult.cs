using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Ledger;

/// <summary>
/// The outcome of a close: the frozen statement when there is one (closed now or before), when the month ends if it has
/// not, or the rollup failures that kept it open.
/// </summary>
public sealed record MonthCloseResult(MonthCloseOutcome Outcome, BillingMonth Month)
{
    public FrozenStatement? Statement { get; init; }

    /// <summary>For <see cref="MonthCloseOutcome.NotEnded"/>: the instant the month ends (UTC).</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public IReadOnlyList<UnitFailure> Failures { get; init; } = [];

    /// <summary>For <see cref="MonthCloseOutcome.EarlierMonthOpen"/>: the earliest month with usage that is still open.</summary>
    public BillingMonth? EarlierOpen { get; init; }

    /// <summary>For <see cref="MonthCloseOutcome.Unpriced"/>: the rates the month's lines lack.</summary>
    public IReadOnlyList<UnpricedLines> Unpriced { get; init; } = [];
}
