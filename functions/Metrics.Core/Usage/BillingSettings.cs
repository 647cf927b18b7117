namespace Metrics.Core.Usage;

/// <summary>Names of the billing settings, shared by the Functions app and the CLI.</summary>
public static class BillingSettings
{
    /// <summary>IANA time zone of billing months; default <see cref="BillingCalendar.DefaultTimeZoneId"/>.</summary>
    public const string TimeZoneVariable = "BillingTimeZone";
}
