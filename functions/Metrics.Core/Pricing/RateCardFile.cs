using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Core.Pricing;

/// <summary>
/// Reads a rate-card import file (see tools/samples/rates.json):
/// <c>{"currency":"CNY","rates":[{"kind":"gpu","model":"H100-SXM5-80GB","effectiveFrom":"2026-01-01","rate":28.50},...]}</c>.
/// Rates are JSON numbers read as exact decimals. Any mistake refuses the whole file, naming the entry.
/// </summary>
public static partial class RateCardFile
{
    public static IReadOnlyList<RateEntry> Parse(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = ImportJson.Parse(json, "rate card");
        JsonElement root = document.RootElement;
        if (
            root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("rates", out JsonElement rates)
            || rates.ValueKind != JsonValueKind.Array
        )
        {
            throw new FormatException("rate card must be an object with a \"rates\" array");
        }

        string defaultCurrency = root.TryGetProperty("currency", out JsonElement c) ? Currency(c, "currency") : RateCard.DefaultCurrency;
        var entries = new List<RateEntry>();
        int i = 0;
        foreach (JsonElement rate in rates.EnumerateArray())
        {
            entries.Add(Entry(rate, $"rates[{i++}]", defaultCurrency));
        }

        var duplicate = entries.GroupBy(e => (e.Kind, e.GpuModel, e.EffectiveFrom)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new FormatException(
                $"rate card has two {duplicate.Key.Kind.ToString().ToLowerInvariant()} rates for {duplicate.Key.GpuModel ?? "CPU"} "
                    + $"effective {duplicate.Key.EffectiveFrom:yyyy-MM-dd}"
            );
        }

        return entries;
    }

    private static RateEntry Entry(JsonElement rate, string path, string defaultCurrency)
    {
        if (rate.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path} must be an object");
        }

        RateKind kind = String(rate, "kind", path) switch
        {
            "gpu" => RateKind.Gpu,
            "cpu" => RateKind.Cpu,
            var other => throw new FormatException($"{path}.kind must be \"gpu\" or \"cpu\", got \"{other}\""),
        };
        string? model = null;
        if (kind == RateKind.Gpu)
        {
            model = String(rate, "model", path);
            if (!ContractPatterns.GpuModel().IsMatch(model))
            {
                throw new FormatException($"{path}.model '{model}' is not a valid GPU model name");
            }
        }

        if (
            !DateOnly.TryParseExact(
                String(rate, "effectiveFrom", path),
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out DateOnly from
            )
        )
        {
            throw new FormatException($"{path}.effectiveFrom must be a date yyyy-MM-dd");
        }

        if (FinanceLimits.OutsideWindow(from) is { } outside)
        {
            throw new FormatException($"{path}.effectiveFrom {outside}");
        }

        if (
            !rate.TryGetProperty("rate", out JsonElement value)
            || value.ValueKind != JsonValueKind.Number
            || !value.TryGetDecimal(out decimal amount)
            || amount < 0
            || amount > FinanceLimits.MaxRate
        )
        {
            throw new FormatException(
                $"{path}.rate must be a JSON number from 0 to {FinanceLimits.MaxRate.ToString("N0", CultureInfo.InvariantCulture)}"
            );
        }

        string currency = rate.TryGetProperty("currency", out JsonElement c) ? Currency(c, $"{path}.currency") : defaultCurrency;
        return new RateEntry(kind, model, from, amount, currency);
    }

    private static string String(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{path}.{name} must be a string");

    private static string Currency(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String && CurrencyPattern().IsMatch(value.GetString()!)
            ? value.GetString()!
            : throw new FormatException($"{path} must be an ISO 4217 code such as \"CNY\"");

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();
}
