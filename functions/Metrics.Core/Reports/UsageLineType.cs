namespace Metrics.Core.Reports;

/// <summary>What a line of a month's statement is (CSV contract v2, column <c>line_type</c>).</summary>
public enum UsageLineType
{
    /// <summary>The month's own usage.</summary>
    Usage,

    /// <summary>A correction of a closed month, booked in a later one (<c>adjusts_month</c> names the closed month).</summary>
    Adjustment,

    /// <summary>A voucher's payment towards the month's charges.</summary>
    Credit,
}
