using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Core.Ledger;

/// <summary>
/// Reads a voucher import file: a JSON array (or <c>{"vouchers": [...]}</c>) of
/// <c>{"id", "institution", "amount", "currency", "validFrom", "validTo", "maxShare"}</c>, dates as local
/// <c>yyyy-MM-dd</c>, amounts as exact decimals. Any mistake refuses the whole file, naming the entry.
/// </summary>
public static class VoucherFile
{
    public static IReadOnlyList<Voucher> Parse(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = ImportJson.Parse(json, "voucher file");
        JsonElement root = document.RootElement;
        JsonElement list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("vouchers", out JsonElement inner) ? inner : root;
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("voucher file must be a JSON array of vouchers, or an object with a \"vouchers\" array");
        }

        var vouchers = new List<Voucher>();
        int i = 0;
        foreach (JsonElement element in list.EnumerateArray())
        {
            vouchers.Add(Read(element, $"vouchers[{i++}]"));
        }

        if (vouchers.GroupBy(v => v.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new FormatException($"voucher file has voucher '{twice.Key}' twice");
        }

        return vouchers;
    }

    private static Voucher Read(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path} must be an object");
        }

        string id = Id(v, "id", path);
        string institution = Id(v, "institution", path);
        decimal amount = Decimal(v, "amount", path);
        if (amount <= 0 || decimal.Round(amount, 2) != amount || amount > FinanceLimits.MaxVoucherAmount)
        {
            throw new FormatException(
                $"{path}.amount must be positive, in whole cents, at most "
                    + $"{FinanceLimits.MaxVoucherAmount.ToString("N0", CultureInfo.InvariantCulture)}, got "
                    + amount.ToString(CultureInfo.InvariantCulture)
            );
        }

        string currency = String(v, "currency", path);
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw new FormatException($"{path}.currency must be an ISO 4217 code such as CNY, got '{currency}'");
        }

        DateOnly from = Date(v, "validFrom", path),
            to = Date(v, "validTo", path);
        if (to < from)
        {
            throw new FormatException($"{path}: validTo {to:yyyy-MM-dd} is before validFrom {from:yyyy-MM-dd}");
        }

        if (to > from.AddMonths(FinanceLimits.MaxVoucherMonths).AddDays(-1))
        {
            throw new FormatException(
                $"{path}: valid from {from:yyyy-MM-dd} to {to:yyyy-MM-dd} is longer than {FinanceLimits.MaxVoucherMonths} months"
            );
        }

        decimal share = Decimal(v, "maxShare", path);
        if (share <= 0 || share > 1)
        {
            throw new FormatException(
                $"{path}.maxShare must be more than 0 and at most 1 (the share of a month's charges it may pay), got "
                    + $"{share.ToString(CultureInfo.InvariantCulture)}"
            );
        }

        return new Voucher(id, institution, amount, currency, from, to, share);
    }

    private static JsonElement Property(JsonElement v, string name, string path) =>
        v.TryGetProperty(name, out JsonElement value) ? value : throw new FormatException($"{path}.{name} is missing");

    private static string String(JsonElement v, string name, string path) =>
        Property(v, name, path) is { ValueKind: JsonValueKind.String } s
            ? s.GetString()!
            : throw new FormatException($"{path}.{name} must be a string");

    private static string Id(JsonElement v, string name, string path)
    {
        string value = String(v, name, path);
        return ContractPatterns.Id().IsMatch(value)
            ? value
            : throw new FormatException(
                $"{path}.{name} '{EchoedText.Cut(value, 64)}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or "
                    + $"digit)"
            );
    }

    private static decimal Decimal(JsonElement v, string name, string path) =>
        Property(v, name, path) is { ValueKind: JsonValueKind.Number } n && n.TryGetDecimal(out decimal d)
            ? d
            : throw new FormatException($"{path}.{name} must be a number");

    private static DateOnly Date(JsonElement v, string name, string path)
    {
        if (!DateOnly.TryParseExact(String(v, name, path), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d))
        {
            throw new FormatException($"{path}.{name} must be a local date yyyy-MM-dd");
        }

        return FinanceLimits.OutsideWindow(d) is { } outside ? throw new FormatException($"{path}.{name} {outside}") : d;
    }
}
