using System.Xml.Linq;
using Metrics.Core.Ledger;
using Microsoft.AspNetCore.Mvc;

namespace Metrics.Integration.Tests;

/// <summary>
/// The statement pages end to end on Azurite (<see cref="StatementScenario"/> has the figures): from the CLI and over
/// HTTP, for an open and a closed month, every figure of the lines equal to finance's CSV, the totals its sums, the
/// days adding up to the lines, and a closed month's page unchanged by late usage.
/// </summary>
public sealed class StatementsOnAzuriteTests : IDisposable
{
    private readonly StatementScenario _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public async Task InstitutionStatement_OpenThenClosed_ShowsTheCsvsFigures_FromCliAndHttpAlike()
    {
        await _s.SeedAsync();
        string html = await _s.StatementAsync(_s.Month, _s.Institution);
        XDocument page = XDocument.Parse(html);
        string csv = await _s.CsvAsync(_s.Month, _s.Institution);

        // Open: provisional; the lines are the CSV's (usage 130.48 and the voucher's credit -65.24), cell for cell.
        Assert.StartsWith("Open: provisional", StatementScenario.Field(page, "status"), StringComparison.Ordinal);
        StatementScenario.AssertLinesEqualCsv(page, csv);
        Assert.Equal(
            ("130.48", "-65.24", "65.24"),
            (
                StatementScenario.Total(page, "CNY", "usage"),
                StatementScenario.Total(page, "CNY", "credits"),
                StatementScenario.Total(page, "CNY", "due")
            )
        );
        Assert.Equal(
            CsvRows.Sum(CsvRows.Parse(csv), "amount").ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
            StatementScenario.Total(page, "CNY", "due")
        );

        // Days: the 10th (2 GPU-h) and the 12th (3 GPU-h) in the billing time zone, adding up to the line's 5.0000.
        XElement daily = StatementScenario.Section(page, "daily");
        Assert.Equal(new[] { "2026-01-10", "2026-01-12" }.Select(d => $"{_s.Month}{d[7..]}"), StatementScenario.Column(daily, "day"));
        Assert.Equal(new[] { "2.0000", "3.0000" }, StatementScenario.Column(daily, "day_total"));
        Assert.Single(daily.Descendants(XName.Get("svg", "http://www.w3.org/2000/svg")));

        // Projects by amount: proj-b 78.00, proj-a 52.48, adding up to the usage line.
        XElement accounts = StatementScenario.Section(page, "accounts");
        Assert.Equal(new[] { "proj-b", "proj-a" }, StatementScenario.Column(accounts, "account"));
        Assert.Equal(new[] { "78.00", "52.48" }, StatementScenario.Column(accounts, "amount"));

        // The voucher: 100.00 opening, -65.24 this month, 34.76 left, the projection's last day included.
        XElement vouchers = StatementScenario.Section(page, "vouchers");
        Assert.Equal(
            ("100.00", "-65.24", "34.76"),
            (
                StatementScenario.Column(vouchers, "opening")[0],
                StatementScenario.Column(vouchers, "credit")[0],
                StatementScenario.Column(vouchers, "closing")[0]
            )
        );

        // Over HTTP: the same page, byte for byte (the same store and clock).
        ContentResult http = await _s.StatementOverHttpAsync(_s.Month, _s.Institution);
        Assert.Equal((200, "text/html; charset=utf-8"), (http.StatusCode, http.ContentType));
        Assert.Equal(html, http.Content);

        // Close, then a late job on the 11th (2 GPU-h of proj-a): the closed month's page keeps its lines and days;
        // the late hours are the next month's adjustment, on that month's page as in its CSV.
        _s.Time.SetUtcNow(new DateTimeOffset(_s.Month.Next().Year, _s.Month.Next().Month, 5, 0, 0, 0, TimeSpan.Zero));
        await _s.Azurite.RunOkAsync(_s.Time, "close", "--month", _s.Month.ToString());
        string closedHtml = await _s.StatementAsync(_s.Month, _s.Institution);
        await _s.IngestAsync("jobs", _s.Job("C", 1, 0, "proj-a", _s.At(11, 0), _s.At(11, 2)));
        await _s.Azurite.RunOkAsync(_s.Time, "rollup");
        Assert.Equal(closedHtml, await _s.StatementAsync(_s.Month, _s.Institution));

        XDocument closed = XDocument.Parse(closedHtml);
        Assert.Equal("Closed: final", StatementScenario.Field(closed, "status"));
        using (
            var json = System.Text.Json.JsonDocument.Parse(
                await _s.Azurite.RunOkAsync(
                    _s.Time,
                    "usage",
                    "--month",
                    _s.Month.ToString(),
                    "--institution",
                    _s.Institution,
                    "--format",
                    "json"
                )
            )
        )
        {
            Assert.Equal(json.RootElement.GetProperty("statement_id").GetString(), StatementScenario.Field(closed, "statement-id"));
        }

        StatementScenario.AssertLinesEqualCsv(closed, await _s.CsvAsync(_s.Month, _s.Institution));
        Assert.Equal(DailySource.Frozen, StatementScenario.SourceOf(closed));
        Assert.Equal(new[] { "2.0000", "3.0000" }, StatementScenario.Column(StatementScenario.Section(closed, "daily"), "day_total"));

        XDocument next = XDocument.Parse(await _s.StatementAsync(_s.Month.Next(), _s.Institution));
        StatementScenario.AssertLinesEqualCsv(next, await _s.CsvAsync(_s.Month.Next(), _s.Institution));
        Assert.Contains(
            StatementScenario.PageLines(next),
            l => l["line_type"] == "adjustment" && l["gpu_hours"] == "2.0000" && l["adjusts_month"] == _s.Month.ToString()
        );

        // An institution with no usage at all: 404 over HTTP, a one-line failure from the CLI.
        Microsoft.AspNetCore.Http.HttpRequest request = SignedIn.Request("GET", ClientPrincipals.FinanceReader);
        var function = new Metrics.Functions.Billing.GetStatement(StatementScenario.Pages(_s.Azurite.Clients, _s.Time), SignedIn.Gate);
        Assert.IsType<NotFoundObjectResult>(
            await function.InstitutionAsync(request, _s.Month.ToString(), "inst-nobody", CancellationToken.None)
        );
        Assert.IsType<BadRequestObjectResult>(await function.OverviewAsync(request, "2026-13", CancellationToken.None));
    }

    [Fact]
    public async Task CentreOverview_SumsTheCsv_RanksInstitutions_AndWarnsOfDeadLetters()
    {
        await _s.SeedAsync();
        string html = await _s.StatementAsync(_s.Month, institution: null);
        XDocument page = XDocument.Parse(html);
        List<Dictionary<string, string>> csv = CsvRows.Parse(await _s.CsvAsync(_s.Month));

        Assert.Equal(
            CsvRows
                .Sum(csv.Where(r => r["line_type"] == "usage"), "amount")
                .ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
            StatementScenario.Total(page, "CNY", "usage")
        );
        Assert.Equal("130.48", StatementScenario.Total(page, "CNY", "usage"));
        XElement top = StatementScenario.Section(page, "top");
        Assert.Equal(new[] { _s.Institution }, StatementScenario.Column(top, "institution"));
        Assert.Equal(new[] { "130.48" }, StatementScenario.Column(top, "amount"));

        // The institution's GPUs were active 50 % of the observed time: one institution in the 50-60 % band.
        XElement bands = StatementScenario.Section(page, "bands");
        Assert.Equal("1", StatementScenario.Column(bands, "institutions")[5]);

        // The malformed GPU event of the scenario is counted, by its UTC enqueued date.
        string warnings = StatementScenario.Section(page, "warnings").Value;
        Assert.Contains("1 gpu event(s) dead-lettered", warnings, StringComparison.Ordinal);

        ContentResult http = await _s.StatementOverHttpAsync(_s.Month, institution: null);
        Assert.Equal(html, http.Content);

        // Closed, then a late job: the overview keeps the frozen figures and days, from the CLI and over HTTP alike.
        _s.Time.SetUtcNow(new DateTimeOffset(_s.Month.Next().Year, _s.Month.Next().Month, 5, 0, 0, 0, TimeSpan.Zero));
        await _s.Azurite.RunOkAsync(_s.Time, "close", "--month", _s.Month.ToString());
        await _s.IngestAsync("jobs", _s.Job("C", 1, 0, "proj-a", _s.At(11, 0), _s.At(11, 2)));
        await _s.Azurite.RunOkAsync(_s.Time, "rollup");
        string closedHtml = await _s.StatementAsync(_s.Month, institution: null);
        XDocument closed = XDocument.Parse(closedHtml);
        Assert.Equal("Closed: final", StatementScenario.Field(closed, "status"));
        Assert.Equal(DailySource.Frozen, StatementScenario.SourceOf(closed));
        Assert.Equal("130.48", StatementScenario.Total(closed, "CNY", "usage"));
        Assert.Equal(
            CsvRows
                .Sum(CsvRows.Parse(await _s.CsvAsync(_s.Month)).Where(r => r["line_type"] == "usage"), "amount")
                .ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
            StatementScenario.Total(closed, "CNY", "usage")
        );
        Assert.Equal(new[] { "2.0000", "3.0000" }, StatementScenario.Column(StatementScenario.Section(closed, "daily"), "day_total"));
        ContentResult closedHttp = await _s.StatementOverHttpAsync(_s.Month, institution: null);
        Assert.Equal((200, closedHtml), (closedHttp.StatusCode, closedHttp.Content));
    }
}
