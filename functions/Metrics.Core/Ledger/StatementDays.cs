using System.Security.Cryptography;
using Metrics.Core.Catalogue;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// A closed month's usage day by day, per (institution, GPU model), exactly as it stood at the close: what a statement's
/// charts are drawn from, so that they add up to the frozen lines whatever arrives later (late usage changes the month's
/// daily rows, and is billed as an adjustment of a later month). Stored beside the statement under its own SHA-256,
/// which the statement records; a file that no longer hashes to it is refused.
/// </summary>
public sealed class StatementDays
{
    private StatementDays(BillingMonth month, IReadOnlyList<DailyUsage> days, byte[] json)
    {
        Month = month;
        Days = days;
        Json = json;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(json));
    }

    public BillingMonth Month { get; }

    /// <summary>One row per (day, institution, model), accounts summed, sorted by day then key.</summary>
    public IReadOnlyList<DailyUsage> Days { get; }

    /// <summary>The stored form: what <see cref="Sha256"/> is over.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    public string Sha256 { get; }

    /// <summary>The month's days as the billing tables give them, accounts summed.</summary>
    public static StatementDays Freeze(BillingMonth month, IEnumerable<DailyUsage> days)
    {
        DailyUsage[] lines = ByInstitutionLine(days.Where(d => new BillingMonth(d.Day.Year, d.Day.Month) == month));
        var document = new Document(
            "statement-days/v1",
            month.ToString(),
            lines
                .Select(l => new Row(
                    l.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    l.Institution,
                    l.GpuModel,
                    l.Seconds.Gpu,
                    l.Seconds.ActiveGpu,
                    l.Seconds.ObservedGpu,
                    l.Seconds.CpuCore
                ))
                .ToArray()
        );
        return new StatementDays(month, lines, JsonSerializer.SerializeToUtf8Bytes(document, s_json));
    }

    /// <summary>Reads a stored file and checks it against the hash its statement recorded.</summary>
    public static StatementDays FromJson(BillingMonth month, byte[] json, string sha256)
    {
        ArgumentNullException.ThrowIfNull(json);
        string actual = Convert.ToHexStringLower(SHA256.HashData(json));
        if (!string.Equals(actual, sha256, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"The daily usage of {month}'s statement hashes to {actual}, but the statement recorded {sha256}: it was edited after the "
                    + $"close."
            );
        }

        Document document =
            JsonSerializer.Deserialize<Document>(json, s_json)
            ?? throw new InvalidDataException($"The daily usage of {month}'s statement is empty.");
        if (document.Month != month.ToString())
        {
            throw new InvalidDataException($"The daily usage file of {month}'s statement is for {document.Month}.");
        }

        DailyUsage[] days = (document.Days ?? [])
            .Select(r => new DailyUsage(
                DateOnly.ParseExact(r.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                r.Institution,
                r.GpuModel,
                string.Empty,
                new UsageSeconds(r.GpuSeconds, r.CpuCoreSeconds, r.ActiveGpuSeconds, r.ObservedGpuSeconds)
            ))
            .ToArray();
        return new StatementDays(month, days, json);
    }

    /// <summary>Sums the accounts of each (day, institution, model): a statement's charts are per institution line.</summary>
    public static DailyUsage[] ByInstitutionLine(IEnumerable<DailyUsage> days) =>
        days.GroupBy(d => (d.Day, d.Institution, d.GpuModel))
            .Select(g => DailyUsage.Sum(g.Key.Day, g.Key.Institution, g.Key.GpuModel, g))
            .OrderBy(d => d.Day)
            .ThenBy(d => d.Key)
            .ToArray();

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Document(string Schema, string Month, IReadOnlyList<Row>? Days);

    private sealed record Row(
        string Day,
        string Institution,
        string GpuModel,
        decimal GpuSeconds,
        decimal ActiveGpuSeconds,
        decimal ObservedGpuSeconds,
        decimal CpuCoreSeconds
    );
}
