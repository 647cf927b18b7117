using Metrics.Contract;
using Metrics.Core.Validation;
using Metrics.Storage;

namespace Metrics.Functions;

/// <summary>
/// Every app setting the app's own code reads in Azure (binding settings are in functions.metadata). The infrastructure
/// tests check that infra/ provides each one, so code and deployment cannot drift apart silently.
/// </summary>
public static class AppSettingNames
{
    public const string BlobServiceUri = "blobServiceUri";
    public const string TableServiceUri = "tableServiceUri";
    public const string ClientId = "clientId";

    /// <summary>Settings read by <see cref="MetricsServices"/> when the app runs with identity-based connections.</summary>
    public static IReadOnlyList<string> ReadByCode { get; } =
    [
        $"{StorageSettings.ConnectionName}__{BlobServiceUri}",
        $"{StorageSettings.ConnectionName}__{TableServiceUri}",
        $"{StorageSettings.ConnectionName}__{ClientId}",
        BillingSettings.TimeZoneVariable,
        IngestLimits.MaxEventAgeDaysSetting,
        IngestLimits.MaxJobAgeDaysSetting,
        IngestLimits.AllowedClustersSetting,
        CompactionSettings.GraceMinutesSetting,
        MonthCloseSettings.GraceDaysSetting,
        Access.AccessSettings.InstitutionClaimSetting,
    ];
}
