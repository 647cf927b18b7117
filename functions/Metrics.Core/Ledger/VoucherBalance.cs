namespace Metrics.Core.Ledger;

/// <summary>
/// A voucher with what closed months' statements have drawn on it and what is left, as of a day: <c>lapsed</c> once it
/// has expired (what is left pays nothing more), <c>not-yet-valid</c> before it starts, <c>active</c> otherwise.
/// </summary>
public sealed record VoucherBalance(Voucher Voucher, decimal Used, decimal Balance, DateOnly AsOf)
{
    public bool Expired => Voucher.ValidTo < AsOf;

    public string Status =>
        Expired ? "lapsed"
        : Voucher.ValidFrom > AsOf ? "not-yet-valid"
        : "active";
}
