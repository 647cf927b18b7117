using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// What an institution's monthly statement shows: its lines as finance's CSV has them, the same split by project, its
/// usage day by day, and how its vouchers were drawn on. Built by <see cref="StatementQuery"/>, rendered elsewhere.
/// </summary>
public sealed record InstitutionStatement(
    string Institution,
    UsageReport Report,
    UsageReport ByAccount,
    IReadOnlyList<DailyUsage> Days,
    DailySource DaysSource,
    IReadOnlyList<VoucherDrawdown> Vouchers,
    DateTimeOffset GeneratedAt
)
{
    public BillingMonth Month => Report.Month;
}
