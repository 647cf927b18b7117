using Metrics.Core.Validation;

namespace Metrics.Core.Ledger;

/// <summary>
/// Reads a voucher import file: a JSON array (or <c>{"vouchers": [...]}</c>) of
/// <c>{"id", "institution", "amount", "currency", "validFrom", "validTo", "maxShare"}</c>, dates as local
/// <c>yyyy-MM-dd</c>, amounts as exact decimals. Any mistake refuses the whole file, naming the entry.
/// </summary>
public static class VoucherFile
{
    public static IReadOnlyList<Voucher> Parse(ReadOnlySpan<byte> json) =>
        ImportFields.ReadAll(json, "voucher", FinanceLimits.MaxVouchersPerFile, Read, v => v.Id);

    private static Voucher Read(JsonElement v, string path)
    {
        ImportFields.Object(v, path);
        string id = ImportFields.Id(v, "id", path);
        string institution = ImportFields.Id(v, "institution", path);
        decimal amount = ImportFields.Decimal(v, "amount", path);
        if (amount <= 0 || decimal.Round(amount, 2) != amount || amount > FinanceLimits.MaxVoucherAmount)
        {
            throw new FormatException(
                $"{path}.amount must be positive, in whole cents, at most "
                    + $"{FinanceLimits.MaxVoucherAmount.ToString("N0", CultureInfo.InvariantCulture)}, got "
                    + amount.ToString(CultureInfo.InvariantCulture)
            );
        }

        string currency = ImportFields.String(v, "currency", path);
        if (!ImportFields.IsCurrency(currency))
        {
            throw new FormatException($"{path}.currency must be an ISO 4217 code such as CNY, got '{currency}'");
        }

        (DateOnly from, DateOnly to) = ImportFields.Period(v, "validFrom", "validTo", FinanceLimits.MaxVoucherMonths, path);

        decimal share = ImportFields.Decimal(v, "maxShare", path);
        if (share <= 0 || share > 1)
        {
            throw new FormatException(
                $"{path}.maxShare must be more than 0 and at most 1 (the share of a month's charges it may pay), got "
                    + $"{share.ToString(CultureInfo.InvariantCulture)}"
            );
        }

        return new Voucher(id, institution, amount, currency, from, to, share);
    }
}
