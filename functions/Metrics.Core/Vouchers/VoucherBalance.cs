namespace Metrics.Core.Vouchers;

/// <summary>A voucher with what closed months' statements have drawn on it, and what is left (lapsed once it expires).</summary>
public sealed record VoucherBalance(Voucher Voucher, decimal Used, decimal Balance, bool Expired);
