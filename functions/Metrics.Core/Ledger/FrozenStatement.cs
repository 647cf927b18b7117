using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Metrics.Core.Catalogue;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// A closed month's statement: its priced lines exactly as they were at the close (seconds and rates as exact decimals,
/// not the rounded CSV figures), so that the CSV and JSON of the month come out byte for byte the same whatever arrives
/// later, and whatever the rate card says by then.
/// </summary>
public sealed class FrozenStatement
{
    private FrozenStatement(UsageReport report, IReadOnlyList<MonthlyUsage> accounts, string accountsSha256, StatementSeal seal)
    {
        Report = report;
        Accounts = accounts;
        AccountsSha256 = accountsSha256;
        Seal = seal;
    }

    /// <summary>Every institution's lines, sealed.</summary>
    public UsageReport Report { get; }

    /// <summary>The month's usage by account (project) at the close, in exact seconds: what the lines split into.</summary>
    public IReadOnlyList<MonthlyUsage> Accounts { get; }

    /// <summary>SHA-256 of the statement's CSV by account (every institution), checked on every read like the seal.</summary>
    public string AccountsSha256 { get; }

    public StatementSeal Seal { get; }

    /// <summary>
    /// SHA-256 of the month's daily usage frozen with it (<see cref="StatementDays"/>), which its charts are drawn from;
    /// null for a statement closed before daily usage was frozen.
    /// </summary>
    public string? DaysSha256 => Seal.DaysSha256;

    public BillingMonth Month => Report.Month;

    /// <summary>
    /// Freezes the month's report as it stands, with its usage by account and the hash of its daily usage: the seal's
    /// hash is over its CSV, its id derived from that hash.
    /// </summary>
    public static FrozenStatement Freeze(
        UsageReport report,
        IReadOnlyList<MonthlyUsage> accounts,
        DateTimeOffset closedAt,
        string? daysSha256 = null
    )
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(accounts);
        string sha = CsvSha256(report);
        var seal = new StatementSeal($"ST-{report.Month}-{sha[..8].ToUpperInvariant()}", closedAt.ToUniversalTime(), sha, daysSha256);
        MonthlyUsage[] sorted = accounts.Where(a => a.Month == report.Month).OrderBy(a => a.Key).ToArray();
        return new FrozenStatement(report with { Seal = seal }, sorted, AccountsCsvSha256(report, sorted), seal);
    }

    /// <summary>The statement by account: every institution's, or one's, with the seal.</summary>
    public UsageReport ReportByAccountFor(string? institution) =>
        AccountBreakdown.Split(
            ReportFor(institution),
            institution is null
                ? Accounts
                : Accounts.Where(a => string.Equals(a.Institution, institution, StringComparison.Ordinal)).ToArray()
        );

    private static string AccountsCsvSha256(UsageReport report, IReadOnlyList<MonthlyUsage> accounts) =>
        Sha256(UsageCsvWriter.Write(AccountBreakdown.Split(report with { Seal = null }, accounts)));

    /// <summary>The statement as finance sees it: every institution, or one institution's lines and the warnings about them.</summary>
    public UsageReport ReportFor(string? institution)
    {
        if (institution is null)
        {
            return Report;
        }

        UsageLine[] lines = Report.Lines.Where(l => string.Equals(l.Usage.Institution, institution, StringComparison.Ordinal)).ToArray();
        string[] unpricedModels = lines.Where(l => !l.Priced).Select(l => $"'{l.Usage.GpuModel}'").ToArray();
        // A warning names the institution or the model it is about; the CPU-rate ones name neither and concern every
        // unpriced line.
        string[] warnings = Report
            .Warnings.Where(w =>
                w.Contains(institution, StringComparison.Ordinal)
                || (
                    unpricedModels.Length > 0
                    && (unpricedModels.Any(m => w.Contains(m, StringComparison.Ordinal)) || !w.Contains('\'', StringComparison.Ordinal))
                )
            )
            .ToArray();
        return Report with { Lines = lines, Warnings = warnings };
    }

    /// <summary>SHA-256 of the report's CSV (UTF-8), lower-case hex.</summary>
    public static string CsvSha256(UsageReport report) => Sha256(UsageCsvWriter.Write(report with { Seal = null, ByAccount = false }));

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(Document.From(this), s_json);

    /// <summary>
    /// Reads a stored statement and checks it against its seal: a statement that no longer hashes to its seal is refused.
    /// </summary>
    public static FrozenStatement FromJson(ReadOnlySpan<byte> json)
    {
        Document document =
            JsonSerializer.Deserialize<Document>(json, s_json) ?? throw new InvalidDataException("The statement document is empty.");
        if (!BillingMonth.TryParse(document.Month, out BillingMonth month))
        {
            throw new InvalidDataException($"The statement's month '{document.Month}' is not yyyy-MM.");
        }

        UsageLine[] lines = (document.Lines ?? []).Select(l => l.ToUsageLine(month)).ToArray();
        var seal = new StatementSeal(document.StatementId, document.ClosedAt, document.CsvSha256, document.DaysSha256);
        var report = new UsageReport(month, document.TimeZone, lines, document.Warnings ?? []) { Seal = seal };
        string actual = CsvSha256(report);
        if (!string.Equals(actual, seal.CsvSha256, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"Statement {seal.StatementId} no longer matches its seal: its CSV hashes to {actual}, sealed as {seal.CsvSha256}."
            );
        }

        MonthlyUsage[] accounts = (document.Accounts ?? []).Select(a => a.ToUsage(month)).ToArray();
        string accountsActual = AccountsCsvSha256(report, accounts);
        // A statement closed before accounts were kept has neither; one that has parts must have their hash.
        if (document.AccountsSha256 is null && accounts.Length > 0)
        {
            throw new InvalidDataException(
                $"Statement {seal.StatementId} has account parts but no accounts_sha256: it was edited after the close."
            );
        }

        if (document.AccountsSha256 is { } accountsSealed && !string.Equals(accountsActual, accountsSealed, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"Statement {seal.StatementId} no longer matches its seal: its CSV by account hashes to {accountsActual}, sealed as "
                    + $"{accountsSealed}."
            );
        }

        return new FrozenStatement(report, accounts, accountsActual, seal);
    }

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>The stored form (schema <c>statement/v1</c>): exact decimals, snake_case.</summary>
    private sealed record Document(
        string Schema,
        string StatementId,
        string Month,
        string TimeZone,
        DateTimeOffset ClosedAt,
        string CsvSha256,
        IReadOnlyList<Line>? Lines,
        IReadOnlyList<string>? Warnings,
        IReadOnlyList<AccountPart>? Accounts = null,
        string? AccountsSha256 = null,
        string? DaysSha256 = null
    )
    {
        public static Document From(FrozenStatement statement) =>
            new(
                "statement/v1",
                statement.Seal.StatementId,
                statement.Month.ToString(),
                statement.Report.TimeZoneId,
                statement.Seal.ClosedAt,
                statement.Seal.CsvSha256,
                statement.Report.Lines.Select(Line.From).ToArray(),
                statement.Report.Warnings,
                statement.Accounts.Select(AccountPart.From).ToArray(),
                statement.AccountsSha256,
                statement.DaysSha256
            );
    }

    /// <summary>One account's part of a line, exact (statements closed before accounts were kept have none).</summary>
    private sealed record AccountPart(
        string Institution,
        string GpuModel,
        string Account,
        int Jobs,
        decimal GpuSeconds,
        decimal ActiveGpuSeconds,
        decimal ObservedGpuSeconds,
        decimal CpuCoreSeconds
    )
    {
        public static AccountPart From(MonthlyUsage a) =>
            new(a.Institution, a.GpuModel, a.Account, a.Jobs, a.Seconds.Gpu, a.Seconds.ActiveGpu, a.Seconds.ObservedGpu, a.Seconds.CpuCore);

        public MonthlyUsage ToUsage(BillingMonth month) =>
            new(
                month,
                Institution,
                GpuModel,
                Account,
                Jobs,
                new UsageSeconds(GpuSeconds, CpuCoreSeconds, ActiveGpuSeconds, ObservedGpuSeconds)
            );
    }

    /// <summary>One line of the statement as stored; read back, it is the line that was frozen, figure for figure.</summary>
    private sealed record Line(
        string Institution,
        string GpuModel,
        int Jobs,
        decimal GpuSeconds,
        decimal ActiveGpuSeconds,
        decimal ObservedGpuSeconds,
        decimal CpuCoreSeconds,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? GpuRate,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? CpuRate,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? Amount,
        string Currency,
        string? LineType,
        string? AdjustsMonth,
        string? VoucherId = null
    )
    {
        public static Line From(UsageLine l) =>
            new(
                l.Usage.Institution,
                l.Usage.GpuModel,
                l.Usage.Jobs,
                l.Usage.Seconds.Gpu,
                l.Usage.Seconds.ActiveGpu,
                l.Usage.Seconds.ObservedGpu,
                l.Usage.Seconds.CpuCore,
                l.GpuRate,
                l.CpuRate,
                l.Amount,
                l.Currency,
                l.TypeName,
                l.AdjustsMonth?.ToString(),
                l.VoucherId
            );

        public UsageLine ToUsageLine(BillingMonth month) =>
            new(
                new MonthlyUsage(
                    month,
                    Institution,
                    GpuModel,
                    string.Empty,
                    Jobs,
                    new UsageSeconds(GpuSeconds, CpuCoreSeconds, ActiveGpuSeconds, ObservedGpuSeconds)
                ),
                GpuRate,
                CpuRate,
                Amount,
                Currency
            )
            {
                Type = LineType switch
                {
                    null or "usage" => UsageLineType.Usage,
                    "adjustment" => UsageLineType.Adjustment,
                    "credit" => UsageLineType.Credit,
                    _ => throw new InvalidDataException($"Unknown line type '{LineType}' in the statement of {month}."),
                },
                VoucherId = VoucherId,
                AdjustsMonth =
                    AdjustsMonth is null ? null
                    : BillingMonth.TryParse(AdjustsMonth, out BillingMonth adjusts) ? adjusts
                    : throw new InvalidDataException($"Adjusted month '{AdjustsMonth}' in the statement of {month} is not yyyy-MM."),
            };
    }
}
