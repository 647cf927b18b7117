namespace Metrics.Tests.Shared;

/// <summary>
/// Finance's CSV contract v2 written out, not taken from the writer: a test comparing output with the production header
/// would pass whatever the header became. docs/billing.md, "Finance's outputs".
/// </summary>
public static class FinanceCsv
{
    public const string Header =
        "month,institution,gpu_model,jobs,gpu_hours,active_gpu_hours,observed_gpu_hours,avg_gpu_util_pct,cpu_core_hours,gpu_rate,amount,"
        + "currency,line_type,adjusts_month";

    /// <summary>The header of a report by account: one more column at the end.</summary>
    public const string HeaderByAccount = Header + ",account";
}
