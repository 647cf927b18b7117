using Metrics.Contract;
using Metrics.Core.Ledger;

namespace Metrics.Core.Audit;

/// <summary>
/// One finance action on the record: when (UTC), who (the signed-in principal, the CLI's OS user and host, or the
/// timer), what (the action and its subject: a month, a file's SHA-256 and counts) and how it ended (<c>ok</c>, or
/// <c>refused: reason</c>). Appended, never changed.
/// </summary>
public sealed record AuditRecord(DateTimeOffset At, string Who, string Action, string Subject, string Outcome)
{
    public const string Ok = "ok";

    /// <summary>The record as one JSON line.</summary>
    public string ToJsonLine() =>
        JsonSerializer.Serialize(
            new Dictionary<string, string>
            {
                ["at"] = ContractJson.Timestamp(At),
                ["who"] = Who,
                ["action"] = Action,
                ["subject"] = Subject,
                ["outcome"] = Outcome,
            }
        );

    public static AuditRecord FromJsonLine(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        return new AuditRecord(
            DateTimeOffset.Parse(root.GetProperty("at").GetString()!, CultureInfo.InvariantCulture),
            root.GetProperty("who").GetString()!,
            root.GetProperty("action").GetString()!,
            root.GetProperty("subject").GetString()!,
            root.GetProperty("outcome").GetString()!
        );
    }

    /// <summary>A month close, as it ended.</summary>
    public static AuditRecord ForClose(DateTimeOffset at, string who, MonthCloseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string outcome = result.Outcome switch
        {
            MonthCloseOutcome.Closed => $"ok: statement {result.Statement!.Seal.StatementId}, csv sha256 {result.Statement.Seal.CsvSha256}",
            MonthCloseOutcome.AlreadyClosed => $"ok: already closed (statement {result.Statement!.Seal.StatementId})",
            MonthCloseOutcome.NotEnded => "refused: the month has not ended",
            _ => "refused: " + (CloseRefusal.Of(result, at)?.Reason ?? result.Outcome.ToString()),
        };
        return new AuditRecord(at, who, "month.close", result.Month.ToString(), outcome);
    }

    /// <summary>A file's subject: its name, SHA-256 and what it held.</summary>
    public static string FileSubject(string name, ReadOnlySpan<byte> content, string counts) =>
        $"{name} sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))} {counts}";
}
