using Metrics.Contract;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>Why the last close of a month left it open, and when: what <c>metrics status</c> shows for an overdue month.</summary>
public sealed record CloseRefusal(BillingMonth Month, DateTimeOffset At, string Reason)
{
    public static CloseRefusal? Of(MonthCloseResult result, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(result);
        string? reason = result.Outcome switch
        {
            MonthCloseOutcome.EarlierMonthOpen => $"{result.EarlierOpen} has usage and is not closed",
            MonthCloseOutcome.Unpriced => "unpriced: " + string.Join("; ", result.Unpriced),
            MonthCloseOutcome.RollupFailed => $"the rollup failed for {result.Failures.Count} unit(s): {result.Failures[0]}",
            _ => null,
        };
        return reason is null ? null : new CloseRefusal(result.Month, at, reason);
    }

    public byte[] ToJson() =>
        JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string>
            {
                ["month"] = Month.ToString(),
                ["at"] = ContractJson.Timestamp(At),
                ["reason"] = Reason,
            }
        );

    public static CloseRefusal FromJson(BillingMonth month, ReadOnlySpan<byte> json)
    {
        using JsonDocument document = JsonDocument.Parse(json.ToArray());
        return new CloseRefusal(
            month,
            DateTimeOffset.Parse(document.RootElement.GetProperty("at").GetString()!, CultureInfo.InvariantCulture),
            document.RootElement.GetProperty("reason").GetString()!
        );
    }
}
