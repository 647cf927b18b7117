namespace Metrics.Core.Statements;

/// <summary>The app setting that tunes the automatic month close, read and checked at start-up.</summary>
public static class MonthCloseSettings
{
    /// <summary>Days after a month ends (in the billing time zone) before the timer closes it; default 3.</summary>
    public const string GraceDaysSetting = "MonthCloseGraceDays";

    public static TimeSpan GraceFromSetting(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return MonthClose.DefaultGrace;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int days) && days <= 28
            ? TimeSpan.FromDays(days)
            : throw new InvalidOperationException($"{GraceDaysSetting} must be a whole number of days from 0 to 28, got '{value}'.");
    }
}
