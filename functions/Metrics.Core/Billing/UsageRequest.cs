using Metrics.Core.Validation;

namespace Metrics.Core.Billing;

/// <summary>A validated request for monthly usage, as the HTTP API receives it (<c>/usage/{month}?institution=&amp;format=</c>).</summary>
public sealed record UsageRequest(BillingMonth Month, string? Institution, UsageFormat Format)
{
    /// <summary>Validates raw request values; on failure <paramref name="error"/> is a message fit to return to the caller.</summary>
    public static bool TryParse(string? month, string? institution, string? format, out UsageRequest? request, out string? error)
    {
        request = null;
        if (!BillingMonth.TryParse(month, out BillingMonth m))
        {
            error = MonthError(month);
            return false;
        }

        UsageFormat? f = string.IsNullOrEmpty(format) ? UsageFormat.Csv : format.ToLowerInvariant() switch
        {
            "csv" => UsageFormat.Csv,
            "json" => UsageFormat.Json,
            _ => null,
        };
        if (f is null)
        {
            error = $"format must be csv or json, got '{Quote(format)}'";
            return false;
        }

        if (!string.IsNullOrEmpty(institution) && !ContractPatterns.Id().IsMatch(institution))
        {
            error = $"institution '{Quote(institution)}' is not a valid institution id";
            return false;
        }

        request = new UsageRequest(m, string.IsNullOrEmpty(institution) ? null : institution, f.Value);
        error = null;
        return true;
    }

    /// <summary>What an HTTP caller is told of a month that does not parse (the usage and close APIs alike).</summary>
    public static string MonthError(string? month) =>
        $"month must be yyyy-MM between {BillingMonth.MinYear}-01 and {BillingMonth.MaxYear}-12 (for example 2026-11), got '{Quote(month)}'";

    /// <summary>A caller's value as echoed in an error: at most 64 characters.</summary>
    private static string Quote(string? value) => EchoedText.Cut(value, 64);

    /// <summary>The report rendered in the requested format.</summary>
    public string Render(UsageReport report) => Format == UsageFormat.Json ? UsageJsonWriter.Write(report) : UsageCsvWriter.Write(report);

    public string ContentType => Format == UsageFormat.Json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";

    public string FileName => $"usage-{Month}{(Institution is null ? string.Empty : "-" + Institution)}.{(Format == UsageFormat.Json ? "json" : "csv")}";
}
