using Metrics.Simulator;

namespace Metrics.Cli.Commands;

/// <summary>What one run of the demo did, step by step, for its printout.</summary>
internal sealed record DemoRun(
    string WorkDirectory,
    SimulationSummary Simulated,
    LocalHubTotals Jobs,
    LocalHubTotals Gpu,
    RollupResult Rolled,
    string Storage,
    bool AzuriteStarted,
    (int Matched, int Compared) Check,
    CompactionResult Compacted,
    (int Matched, int Compared) Recheck,
    DemoMonthEndResult MonthEnd,
    UsageReport First,
    UsageReport Second
);
