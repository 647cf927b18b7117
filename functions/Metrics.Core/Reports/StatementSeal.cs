namespace Metrics.Core.Reports;

/// <summary>
/// What identifies a closed month's statement: its id, when it was closed, and the SHA-256 (lower-case hex) of its CSV
/// with every institution, which anyone can recompute from the CSV finance received. <see cref="DaysSha256"/> names the
/// daily usage frozen with it (<see cref="StatementDays"/>), which its charts are drawn from; null for a statement closed
/// before daily usage was frozen. Carried on the report, so a page of a closed month reads the statement once.
/// </summary>
public sealed record StatementSeal(string StatementId, DateTimeOffset ClosedAt, string CsvSha256, string? DaysSha256 = null);
