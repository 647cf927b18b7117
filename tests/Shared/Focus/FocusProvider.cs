namespace Metrics.Tests.Shared.Focus;

/// <summary>
/// The FOCUS applicability criteria the centre meets, each for a reason the product shows; the rules switched on by any
/// other criterion (commitment discounts, capacity reservations, regions and zones, tags, negotiated or several pricing
/// categories, virtual or a second pricing currency, several account types, billing by provisioned resources) do not
/// apply to it.
/// </summary>
public static class FocusProvider
{
    public static readonly IReadOnlySet<string> Criteria = new HashSet<string>(StringComparer.Ordinal)
    {
        // The rate card is the centre's published list of unit prices (GPU-hours by model, CPU core-hours).
        "PUBLIC_PRICE_LIST_SUPPORTED",
        "UNIT_PRICING_SUPPORTED",
        // Usage is measured: GPU-hours and core-hours from the jobs and the telemetry.
        "USAGE_MEASUREMENT_SUPPORTED",
        // Institutions are billing accounts with a name; their projects (accounts) are sub-accounts.
        "ACCOUNT_NAMING_SUPPORTED",
        "SUB_ACCOUNT_SUPPORTED",
    };
}
