using Metrics.Core.Operations;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>The app setting that tunes the automatic month close, read and checked at start-up.</summary>
public static class MonthCloseSettings
{
    /// <summary>Days after a month ends (in the billing time zone) before the timer closes it; default 3.</summary>
    public const string GraceDaysSetting = "MonthCloseGraceDays";

    public static TimeSpan GraceFromSetting(string? value) =>
        WholeNumberSetting.Read(value, GraceDaysSetting, 28, "days") is { } days ? TimeSpan.FromDays(days) : MonthClose.DefaultGrace;
}
