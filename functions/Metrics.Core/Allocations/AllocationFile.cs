using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Core.Allocations;

/// <summary>
/// Reads an allocation import file: a JSON array (or <c>{"allocations": [...]}</c>) of
/// <c>{"id", "institution", "account" (optional), "unit", "amount", "from", "to"}</c>, where unit is
/// <c>gpu-hours</c> or an ISO 4217 currency, dates are local <c>yyyy-MM-dd</c> (inclusive) and amounts exact decimals.
/// Any mistake refuses the whole file, naming the entry and the field.
/// </summary>
public static class AllocationFile
{
    public static IReadOnlyList<Allocation> Parse(ReadOnlySpan<byte> json) =>
        ImportFields.ReadAll(json, "allocation", FinanceLimits.MaxAllocationsPerFile, Read, v => v.Id);

    private static Allocation Read(JsonElement entry, string path)
    {
        ImportFields.Object(entry, path);
        string id = ImportFields.Id(entry, "id", path);
        string institution = ImportFields.Id(entry, "institution", path);
        string? account =
            entry.TryGetProperty("account", out JsonElement given) && given.ValueKind != JsonValueKind.Null
                ? ImportFields.Id(entry, "account", path)
                : null;
        string unit = ImportFields.String(entry, "unit", path);
        if (unit != Allocation.GpuHours && !ImportFields.IsCurrency(unit))
        {
            throw new FormatException(
                $"{path}.unit must be \"{Allocation.GpuHours}\" or an ISO 4217 currency such as CNY, got '{EchoedText.Cut(unit, 32)}'"
            );
        }

        decimal amount = Amount(entry, unit, path);
        (DateOnly from, DateOnly to) = ImportFields.Period(entry, "from", "to", FinanceLimits.MaxAllocationMonths, path);
        return new Allocation(id, institution, account, unit, amount, from, to);
    }

    /// <summary>GPU-hours to the thousandth (the billed figures' precision), money in whole cents; positive and bounded.</summary>
    private static decimal Amount(JsonElement entry, string unit, string path)
    {
        decimal amount = ImportFields.Decimal(entry, "amount", path);
        int places = unit == Allocation.GpuHours ? 3 : 2;
        if (amount > 0 && decimal.Round(amount, places) == amount && amount <= FinanceLimits.MaxAllocationAmount)
        {
            return amount;
        }

        throw new FormatException(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{path}.amount must be positive, with at most {places} decimal places, at most "
                    + $"{FinanceLimits.MaxAllocationAmount:N0}, got {amount}"
            )
        );
    }
}
