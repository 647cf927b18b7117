namespace Metrics.Core.Validation;

/// <summary>
/// The bounds of every finance input (rate cards, vouchers), so that no import can make the ledger overflow a decimal or
/// walk centuries of months: each is far beyond what a national centre needs, and each mistake is refused naming the
/// field.
/// </summary>
public static class FinanceLimits
{
    /// <summary>No date of a finance input (a rate's start, a voucher's validity) is before this.</summary>
    public static readonly DateOnly EarliestDate = new(2000, 1, 1);

    /// <summary>Nor after this.</summary>
    public static readonly DateOnly LatestDate = new(2199, 12, 31);

    /// <summary>A voucher is valid for at most ten years, so its balance reads at most 120 months' statements.</summary>
    public const int MaxVoucherMonths = 120;

    /// <summary>At most 100 billion (of the currency) per voucher.</summary>
    public const decimal MaxVoucherAmount = 100_000_000_000m;

    /// <summary>One import file holds at most this many vouchers (two per institution of the centre).</summary>
    public const int MaxVouchersPerFile = 10_000;

    /// <summary>An allocation lasts at most ten years, like a voucher.</summary>
    public const int MaxAllocationMonths = 120;

    /// <summary>At most 100 billion GPU-hours or of the currency per allocation.</summary>
    public const decimal MaxAllocationAmount = 100_000_000_000m;

    /// <summary>One import file holds at most this many allocations (about two per institution of the centre).</summary>
    public const int MaxAllocationsPerFile = 10_000;

    /// <summary>At most one million (of the currency) per GPU-hour or core-hour.</summary>
    public const decimal MaxRate = 1_000_000m;

    /// <summary>An HTTP finance request body above this is refused with 413 unread.</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    /// <summary>Why <paramref name="date"/> is outside the window, or null when it is inside.</summary>
    public static string? OutsideWindow(DateOnly date) =>
        date < EarliestDate || date > LatestDate
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{date:yyyy-MM-dd} is outside {EarliestDate:yyyy-MM-dd} to {LatestDate:yyyy-MM-dd}, the dates a finance input may name"
            )
            : null;
}
