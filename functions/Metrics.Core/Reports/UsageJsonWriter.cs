using Metrics.Core.Usage;

namespace Metrics.Core.Reports;

/// <summary>
/// The finance JSON: the same figures as the CSV (same rounding, snake_case names), plus <c>priced</c> per line, the
/// pricing warnings, and whether the month is closed (with its statement's id, close time and CSV hash). No generation
/// timestamp, so the same data always gives the same bytes.
/// </summary>
public static class UsageJsonWriter
{
    /// <summary>One line as a JSON object: the CSV's columns with its figures as numbers (or null).</summary>
    private static void WriteLine(Utf8JsonWriter json, UsageLine line, bool byAccount)
    {
        MonthlyUsage u = line.Usage;
        json.WriteStartObject();
        json.WriteString("month", u.Month.ToString());
        json.WriteString("institution", u.Institution);
        json.WriteString("gpu_model", u.GpuModel);
        json.WriteNumber("jobs", u.Jobs);
        Number(json, "gpu_hours", UsageCsvWriter.Hours(u.Seconds.Gpu));
        Number(json, "active_gpu_hours", UsageCsvWriter.Hours(u.Seconds.ActiveGpu));
        Number(json, "observed_gpu_hours", UsageCsvWriter.Hours(u.Seconds.ObservedGpu));
        Number(json, "avg_gpu_util_pct", line.AvgGpuUtilPct?.ToString("F2", CultureInfo.InvariantCulture));
        Number(json, "cpu_core_hours", UsageCsvWriter.Hours(u.Seconds.CpuCore));
        Number(json, "gpu_rate", line.GpuRate?.ToString(CultureInfo.InvariantCulture));
        Number(json, "cpu_rate", line.CpuRate?.ToString(CultureInfo.InvariantCulture));
        Number(json, "amount", line.Amount?.ToString("F2", CultureInfo.InvariantCulture));
        json.WriteString("currency", line.Currency);
        json.WriteBoolean("priced", line.Priced);
        json.WriteString("line_type", line.TypeName);
        if (line.AdjustsMonth is { } adjusts)
        {
            json.WriteString("adjusts_month", adjusts.ToString());
        }
        else
        {
            json.WriteNull("adjusts_month");
        }

        json.WriteString("voucher_id", line.VoucherId);
        if (byAccount)
        {
            json.WriteString("account", line.Account ?? string.Empty);
        }

        json.WriteEndObject();
    }

    public static string Write(UsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("month", report.Month.ToString());
            json.WriteString("time_zone", report.TimeZoneId);

            // A closed month is served from its frozen statement; an open one's figures are provisional.
            json.WriteBoolean("closed", report.Closed);
            if (report.Seal is { } seal)
            {
                json.WriteString("closed_at", seal.ClosedAt);
                json.WriteString("statement_id", seal.StatementId);
                json.WriteString("statement_sha256", seal.CsvSha256);
            }
            else
            {
                json.WriteNull("closed_at");
                json.WriteNull("statement_id");
                json.WriteNull("statement_sha256");
            }

            json.WriteString("by", report.ByAccount ? "account" : "institution");
            json.WriteStartArray("lines");
            foreach (UsageLine line in report.Lines)
            {
                WriteLine(json, line, report.ByAccount);
            }

            json.WriteEndArray();
            json.WriteStartArray("warnings");
            foreach (string warning in report.Warnings)
            {
                json.WriteStringValue(warning);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Figures are written as JSON numbers with their fixed decimals (12.5000), or null.</summary>
    private static void Number(Utf8JsonWriter json, string name, string? value)
    {
        json.WritePropertyName(name);
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteRawValue(value);
        }
    }
}
