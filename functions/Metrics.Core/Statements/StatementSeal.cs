namespace Metrics.Core.Statements;

/// <summary>
/// What identifies a closed month's statement: its id, when it was closed, and the SHA-256 (lower-case hex) of its CSV
/// with every institution, which anyone can recompute from the CSV finance received.
/// </summary>
public sealed record StatementSeal(string StatementId, DateTimeOffset ClosedAt, string CsvSha256);
