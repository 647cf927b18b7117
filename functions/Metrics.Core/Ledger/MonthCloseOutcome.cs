namespace Metrics.Core.Ledger;

/// <summary>What asking to close a month did.</summary>
public enum MonthCloseOutcome
{
    /// <summary>The month is closed now: its statement is frozen.</summary>
    Closed,

    /// <summary>It was closed before; nothing changed.</summary>
    AlreadyClosed,

    /// <summary>Refused: the month has not ended in the billing time zone.</summary>
    NotEnded,

    /// <summary>Refused: the rollup run that brings the month up to date failed for work that concerns it.</summary>
    RollupFailed,

    /// <summary>
    /// Refused: an earlier month with usage is still open (<see cref="MonthCloseResult.EarlierOpen"/>). Months close in
    /// order, so that each close prices its vouchers against every earlier month's credits.
    /// </summary>
    EarlierMonthOpen,

    /// <summary>Refused: lines of the month have no price (<see cref="MonthCloseResult.Unpriced"/> names the missing rates).</summary>
    Unpriced,
}
