namespace Metrics.Core.Ledger;

/// <summary>
/// A compute voucher: a government-issued credit that pays part of an institution's bills. It pays towards a month's
/// charges if it is valid on the month's last day (local dates, inclusive), never more than <see cref="MaxShare"/> of
/// those charges, and never more than what is left of <see cref="Amount"/>. Vouchers are immutable once imported.
/// </summary>
public sealed record Voucher(
    string Id,
    string Institution,
    decimal Amount,
    string Currency,
    DateOnly ValidFrom,
    DateOnly ValidTo,
    decimal MaxShare
)
{
    public bool ValidOn(DateOnly day) => ValidFrom <= day && day <= ValidTo;
}
