namespace Metrics.Cli.Commands;

/// <summary>
/// The demo's two months, either side of the simulated boundary, as finance reads them; read again after each step that
/// changes them (compaction's rebilling, the month end), and checked against the simulator's truth.
/// </summary>
internal sealed class DemoMonths(UsageQuery query, BillingMonth before, BillingMonth after, string truthFile)
{
    public BillingMonth Before => before;

    public BillingMonth After => after;

    public async Task<(UsageReport First, UsageReport Second)> GetAsync(CancellationToken cancellationToken) =>
        (
            (await query.GetAsync(before, null, cancellationToken).ConfigureAwait(false))!,
            (await query.GetAsync(after, null, cancellationToken).ConfigureAwait(false))!
        );

    public (int Matched, int Compared) Check(UsageReport first, UsageReport second) => DemoTruthCheck.Compare(truthFile, [first, second]);
}
