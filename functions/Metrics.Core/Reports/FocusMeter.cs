namespace Metrics.Core.Reports;

/// <summary>
/// A priced meter of the rate card as a FOCUS SKU: GPU-hours of one model (SKU = the model), or CPU core-hours (SKU
/// <see cref="CpuSkuId"/>). Its price id names the SKU, the currency and the unit price, so a new rate is a new price id
/// and each price id has exactly one SKU.
/// </summary>
public sealed record FocusMeter(string SkuId, string SkuMeter, string Unit, string PriceDetails)
{
    public const string CpuSkuId = "CPU-CORE";

    public static FocusMeter Gpu(string model) =>
        new(
            model,
            "GPU Time",
            "GPU-Hours",
            JsonSerializer.Serialize(
                new SortedDictionary<string, string>(StringComparer.Ordinal) { ["x_GpuModel"] = model, ["x_Resource"] = "GPU" }
            )
        );

    public static readonly FocusMeter Cpu = new(CpuSkuId, "CPU Time", "Core-Hours", """{"x_Resource":"CPU core"}""");

    public string PriceId(decimal unitPrice, string currency) => $"{SkuId}:{currency}:{unitPrice.ToString(CultureInfo.InvariantCulture)}";
}
