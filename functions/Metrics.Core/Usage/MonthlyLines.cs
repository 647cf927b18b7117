namespace Metrics.Core.Usage;

/// <summary>
/// A month's usage as the rollup writes it: the institutions' lines (what finance bills) and the same lines split by
/// project (the scheduler's account), both summed from the same days. The account parts of a line add up to it exactly;
/// only their job counts may not, since a job counts once in its line and once in each account it was charged to.
/// </summary>
public sealed record MonthlyLines(IReadOnlyList<MonthlyUsage> Lines, IReadOnlyList<MonthlyUsage> Accounts);
