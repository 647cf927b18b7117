namespace Metrics.Core.Reports;

/// <summary>
/// The FOCUS 1.2 dataset's columns, in order: the mandatory ones, then the conditional and recommended ones that apply
/// to the centre, then the centre's own (<c>x_</c>). Column by column in docs/billing.md, "FOCUS export".
/// </summary>
public static class FocusColumns
{
    /// <summary>The FOCUS version the columns follow.</summary>
    public const string FocusVersion = "1.2";

    /// <summary>Who issues the invoices, provides and publishes the service (InvoiceIssuerName, ProviderName, PublisherName).</summary>
    public const string ProviderName = "National AI Computing Centre";

    /// <summary>What the centre sells, in FOCUS's words.</summary>
    public const string ServiceName = "GPU Compute";

    public static readonly IReadOnlyList<FocusColumn> All =
    [
        new("BilledCost", FocusType.Decimal, r => r.BilledCost),
        new("BillingAccountId", FocusType.String, r => r.BillingAccountId),
        new("BillingAccountName", FocusType.String, r => r.BillingAccountId),
        new("BillingCurrency", FocusType.String, r => r.BillingCurrency),
        new("BillingPeriodEnd", FocusType.DateTime, r => r.BillingPeriodEnd),
        new("BillingPeriodStart", FocusType.DateTime, r => r.BillingPeriodStart),
        new("ChargeCategory", FocusType.String, r => r.ChargeCategory),
        new("ChargeClass", FocusType.String, r => r.ChargeClass),
        new("ChargeDescription", FocusType.String, r => r.ChargeDescription),
        new("ChargeFrequency", FocusType.String, r => r.ChargeFrequency),
        new("ChargePeriodEnd", FocusType.DateTime, r => r.ChargePeriodEnd),
        new("ChargePeriodStart", FocusType.DateTime, r => r.ChargePeriodStart),
        new("ConsumedQuantity", FocusType.Decimal, r => r.ConsumedQuantity),
        new("ConsumedUnit", FocusType.String, r => r.ConsumedUnit),
        new("ContractedCost", FocusType.Decimal, r => r.ContractedCost),
        new("ContractedUnitPrice", FocusType.Decimal, r => r.ContractedUnitPrice),
        new("EffectiveCost", FocusType.Decimal, r => r.EffectiveCost),
        new("InvoiceIssuerName", FocusType.String, _ => ProviderName),
        new("ListCost", FocusType.Decimal, r => r.ListCost),
        new("ListUnitPrice", FocusType.Decimal, r => r.ListUnitPrice),
        new("PricingCategory", FocusType.String, r => r.PricingCategory),
        new("PricingQuantity", FocusType.Decimal, r => r.PricingQuantity),
        new("PricingUnit", FocusType.String, r => r.PricingUnit),
        new("ProviderName", FocusType.String, _ => ProviderName),
        new("PublisherName", FocusType.String, _ => ProviderName),
        new("ServiceCategory", FocusType.String, _ => "Compute"),
        new("ServiceName", FocusType.String, _ => ServiceName),
        new("ServiceSubcategory", FocusType.String, _ => "Other (Compute)"),
        new("SkuId", FocusType.String, r => r.SkuId),
        new("SkuMeter", FocusType.String, r => r.SkuMeter),
        new("SkuPriceDetails", FocusType.String, r => r.SkuPriceDetails),
        new("SkuPriceId", FocusType.String, r => r.SkuPriceId),
        new("SubAccountId", FocusType.String, r => r.SubAccountId),
        new("SubAccountName", FocusType.String, r => r.SubAccountId),
        new("x_AdjustsMonth", FocusType.String, r => r.AdjustsMonth),
        new("x_GpuModel", FocusType.String, r => r.GpuModel),
        new("x_StatementId", FocusType.String, r => r.StatementId),
        new("x_VoucherId", FocusType.String, r => r.VoucherId),
    ];
}
