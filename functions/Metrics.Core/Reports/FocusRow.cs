namespace Metrics.Core.Reports;

/// <summary>
/// One row of the FOCUS dataset: one priced meter (GPU-hours of a model, or CPU core-hours) of a usage or adjustment
/// line, or a voucher's credit. Null is FOCUS's null (an empty CSV cell, a null Parquet value).
/// </summary>
public sealed record FocusRow
{
    public required decimal BilledCost { get; init; }
    public required string BillingAccountId { get; init; }
    public required string BillingCurrency { get; init; }
    public required DateTimeOffset BillingPeriodStart { get; init; }
    public required DateTimeOffset BillingPeriodEnd { get; init; }
    public required string ChargeCategory { get; init; }
    public string? ChargeClass { get; init; }
    public required string ChargeDescription { get; init; }
    public required string ChargeFrequency { get; init; }
    public required DateTimeOffset ChargePeriodStart { get; init; }
    public required DateTimeOffset ChargePeriodEnd { get; init; }
    public decimal? ConsumedQuantity { get; init; }
    public string? ConsumedUnit { get; init; }
    public required decimal ContractedCost { get; init; }
    public decimal? ContractedUnitPrice { get; init; }
    public required decimal EffectiveCost { get; init; }
    public required decimal ListCost { get; init; }
    public decimal? ListUnitPrice { get; init; }
    public string? PricingCategory { get; init; }
    public decimal? PricingQuantity { get; init; }
    public string? PricingUnit { get; init; }
    public string? SkuId { get; init; }
    public string? SkuMeter { get; init; }
    public string? SkuPriceDetails { get; init; }
    public string? SkuPriceId { get; init; }
    public string? SubAccountId { get; init; }
    public string? AdjustsMonth { get; init; }
    public string? GpuModel { get; init; }
    public string? StatementId { get; init; }
    public string? VoucherId { get; init; }
}
