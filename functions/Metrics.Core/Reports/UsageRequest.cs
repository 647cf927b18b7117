using Metrics.Contract;
using Metrics.Core.Usage;

namespace Metrics.Core.Reports;

/// <summary>
/// A validated request for monthly usage, as the HTTP API receives it (<c>/usage/{month}?institution=&amp;format=&amp;by=</c>)
/// and the CLI's <c>metrics usage</c> options give it.
/// </summary>
public sealed record UsageRequest(BillingMonth Month, string? Institution, UsageFormat Format)
{
    /// <summary>Lines split by account (project) below each institution line (<c>by=account</c>).</summary>
    public bool ByAccount { get; init; }

    /// <summary>Validates raw request values; on failure <paramref name="error"/> is a message fit to return to the caller.</summary>
    public static bool TryParse(string? month, string? institution, string? format, out UsageRequest? request, out string? error) =>
        TryParse(month, institution, format, by: null, out request, out error);

    /// <summary>The same with <paramref name="by"/>: <c>institution</c> (the default) or <c>account</c>.</summary>
    public static bool TryParse(
        string? month,
        string? institution,
        string? format,
        string? by,
        out UsageRequest? request,
        out string? error
    )
    {
        request = null;
        if (!BillingMonth.TryParse(month, out BillingMonth m))
        {
            error = MonthError(month);
            return false;
        }

        UsageFormat? f = string.IsNullOrEmpty(format)
            ? UsageFormat.Csv
            : format.ToLowerInvariant() switch
            {
                "csv" => UsageFormat.Csv,
                "json" => UsageFormat.Json,
                "focus" => UsageFormat.Focus,
                "focus-parquet" => UsageFormat.FocusParquet,
                _ => null,
            };
        if (f is null)
        {
            error = $"format must be csv, json, focus or focus-parquet, got '{Quote(format)}'";
            return false;
        }

        if (!string.IsNullOrEmpty(institution) && !ContractPatterns.Id().IsMatch(institution))
        {
            error = $"institution '{Quote(institution)}' is not a valid institution id";
            return false;
        }

        bool? byAccount = string.IsNullOrEmpty(by)
            ? false
            : by.ToLowerInvariant() switch
            {
                "institution" => false,
                "account" => true,
                _ => null,
            };
        if (byAccount is null)
        {
            error = $"by must be institution or account, got '{Quote(by)}'";
            return false;
        }

        // FOCUS rows carry the account as the sub-account, so a FOCUS dataset is always by account.
        request = new UsageRequest(m, string.IsNullOrEmpty(institution) ? null : institution, f.Value)
        {
            ByAccount = byAccount.Value || f is UsageFormat.Focus or UsageFormat.FocusParquet,
        };
        error = null;
        return true;
    }

    /// <summary>What an HTTP caller is told of a month that does not parse (the usage and close APIs alike).</summary>
    public static string MonthError(string? month) =>
        $"month must be yyyy-MM between {BillingMonth.MinYear}-01 and {BillingMonth.MaxYear}-12 (for example 2026-11), got "
        + $"'{Quote(month)}'";

    /// <summary>A caller's value as echoed in an error: at most 64 characters.</summary>
    private static string Quote(string? value) => EchoedText.Cut(value, 64);

    /// <summary>Whether the format is a FOCUS dataset (CSV or Parquet), which refuses unpriced months.</summary>
    public bool Focus => Format is UsageFormat.Focus or UsageFormat.FocusParquet;

    /// <summary>The report rendered in the requested text format (FOCUS Parquet is written by its callers as bytes).</summary>
    /// <exception cref="InvalidOperationException">FOCUS, and the report has unpriced lines.</exception>
    public string Render(UsageReport report) =>
        Format switch
        {
            UsageFormat.FocusParquet => throw new InvalidOperationException("FOCUS Parquet is binary: write it with FocusParquet"),
            UsageFormat.Json => UsageJsonWriter.Write(report),
            UsageFormat.Focus => FocusCsvWriter.Write(report),
            _ => UsageCsvWriter.Write(report),
        };

    public string ContentType =>
        Format switch
        {
            UsageFormat.Json => "application/json; charset=utf-8",
            UsageFormat.FocusParquet => "application/vnd.apache.parquet",
            _ => "text/csv; charset=utf-8",
        };

    public string FileName =>
        Focus
            ? $"focus-{Month}{(Institution is null ? string.Empty : "-" + Institution)}"
                + (Format == UsageFormat.FocusParquet ? ".parquet" : ".csv")
            : $"usage-{Month}{(Institution is null ? string.Empty : "-" + Institution)}{(ByAccount ? "-by-account" : string.Empty)}"
                + (Format == UsageFormat.Json ? ".json" : ".csv");
}
