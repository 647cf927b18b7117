using System.Xml.Linq;
using Metrics.Core.Ledger;
using Metrics.Functions.Billing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Metrics.Integration.Tests;

/// <summary>
/// One institution's month on a store of its own, for the statement tests: two projects' jobs on two days, a GPU
/// sample, a voucher and one dead-lettered event. Figures by hand: job A (proj-a) 2 GPUs + 4 CPUs for an hour on the
/// 10th, 2 x 26.00 + 4 x 0.12 = 52.48; job B (proj-b) 1 GPU for 3 hours on the 12th, 78.00; 130.48 in all. The voucher
/// (100.00, share 0.5) pays 65.24 and leaves 34.76; had the month ended on the 10th it would have paid 26.24. An
/// allocation of 8 GPU-hours for the month and the next has used 5.
/// </summary>
/// <remarks>The month is of 31 days, the longest daily chart.</remarks>
internal sealed class StatementScenario() : MonthOnAzurite(new BillingMonth(2101, 3), "statement")
{
    public const string H100 = "H100-SXM5-80GB";

    public string Institution => $"inst-stmt-{Run}";

    public string Voucher => $"v-stmt-{Run}";

    /// <summary>8 GPU-hours for the month and the next: the month's 5 h use 62.5 % of it.</summary>
    public string Allocation => $"a-stmt-{Run}";

    public static BillingCalendar Calendar { get; } = BillingCalendar.Create("Asia/Shanghai");

    public string Job(string id, double gpus, int cpus, string account, DateTimeOffset start, DateTimeOffset end) =>
        EventJson
            .Job(
                id,
                "ended",
                EventJson.Ts(end),
                gpus,
                Institution,
                $"stmt-{Run}",
                EventJson.Ts(start),
                EventJson.Ts(end),
                H100,
                cpus,
                account
            )
            .ToJsonString();

    /// <summary>The month as described above, rolled up and open.</summary>
    public async Task SeedAsync()
    {
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        string vouchers = Path.Combine(Dir, "vouchers.json");
        await File.WriteAllTextAsync(
            vouchers,
            $$"""
            [{"id": "{{Voucher}}", "institution": "{{Institution}}", "amount": 100.00, "currency": "CNY",
              "validFrom": "{{Month.FirstDay:yyyy-MM-dd}}", "validTo": "{{Month.Next().Next().FirstDay:yyyy-MM-dd}}", "maxShare": 0.5}]
            """
        );
        await Azurite.RunOkAsync(Time, "vouchers", "import", vouchers);
        string allocations = Path.Combine(Dir, "allocations.json");
        await File.WriteAllTextAsync(
            allocations,
            $$"""
            [{"id": "{{Allocation}}", "institution": "{{Institution}}", "unit": "gpu-hours", "amount": 8,
              "from": "{{Month.FirstDay:yyyy-MM-dd}}", "to": "{{Month.Next().LastDay:yyyy-MM-dd}}"}]
            """
        );
        await Azurite.RunOkAsync(Time, "allocations", "import", allocations);
        await IngestAsync("jobs", Job("A", 2, 4, "proj-a", At(10, 0), At(10, 1)), Job("B", 1, 0, "proj-b", At(12, 2), At(12, 5)));
        JsonObject sample = EventJson.Gpu(
            node: $"n1-{Run}",
            ts: EventJson.Ts(At(10, 0, 1)),
            gpus: 2,
            jobId: "A",
            institution: Institution,
            utilPct: 50,
            intervalS: 60
        );
        sample["cluster"] = $"stmt-{Run}";
        await IngestAsync("gpu", sample.ToJsonString(), "{\"schema\": \"gpu-telemetry/1\"}");
        await Azurite.RunOkAsync(Time, "rollup");
    }

    /// <summary><c>metrics statement</c>: the page's HTML.</summary>
    public async Task<string> StatementAsync(BillingMonth month, string? institution)
    {
        string path = Path.Combine(Dir, $"page-{Guid.NewGuid():N}.html");
        string[] args = institution is null
            ? ["statement", "--month", month.ToString(), "--out", path]
            : ["statement", "--month", month.ToString(), "--institution", institution, "--out", path];
        await Azurite.RunOkAsync(Time, args);
        return await File.ReadAllTextAsync(path);
    }

    /// <summary><c>GET /api/statements/{month}[/{institution}]</c> as the host would call it: status and body.</summary>
    public async Task<ContentResult> StatementOverHttpAsync(BillingMonth month, string? institution)
    {
        HttpRequest request = SignedIn.Request("GET", ClientPrincipals.FinanceReader);
        var function = new GetStatement(Pages(Azurite.Clients, Time), SignedIn.Gate);
        IActionResult result = institution is null
            ? await function.OverviewAsync(request, month.ToString(), CancellationToken.None)
            : await function.InstitutionAsync(request, month.ToString(), institution, CancellationToken.None);
        return Assert.IsType<ContentResult>(result);
    }

    /// <summary>The statement pages over <paramref name="clients"/>, in the centre's calendar, at <paramref name="time"/>.</summary>
    public static Metrics.Statements.StatementPages Pages(StorageClients clients, TimeProvider time) =>
        new(
            BillingStorage.CreateStatementQuery(clients, Calendar, time),
            BillingStorage.CreateAllocationStandings(clients, Calendar, time),
            Calendar
        );

    public Task<string> CsvAsync(BillingMonth month, string? institution = null) =>
        institution is null
            ? Azurite.RunOkAsync(Time, "usage", "--month", month.ToString())
            : Azurite.RunOkAsync(Time, "usage", "--month", month.ToString(), "--institution", institution);

    public static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";

    /// <summary>The page's lines table as CSV-like rows: column name to cell text.</summary>
    public static List<Dictionary<string, string>> PageLines(XDocument page) =>
        page.Descendants(Xhtml + "tr")
            .Where(tr => tr.Attribute("data-line-type") is not null)
            .Select(tr => tr.Elements(Xhtml + "td").ToDictionary(td => (string)td.Attribute("data-col")!, td => td.Value))
            .ToList();

    /// <summary>Every figure of the CSV's lines, in the page's lines table, row for row.</summary>
    public static void AssertLinesEqualCsv(XDocument page, string csv)
    {
        List<Dictionary<string, string>> rows = CsvRows.Parse(csv);
        List<Dictionary<string, string>> shown = PageLines(page);
        Assert.Equal(rows.Count, shown.Count);
        string[] columns =
        [
            "line_type",
            "gpu_model",
            "adjusts_month",
            "jobs",
            "gpu_hours",
            "active_gpu_hours",
            "observed_gpu_hours",
            "avg_gpu_util_pct",
            "cpu_core_hours",
            "gpu_rate",
            "amount",
            "currency",
        ];
        for (int i = 0; i < rows.Count; i++)
        {
            foreach (string column in columns)
            {
                Assert.Equal(rows[i][column], shown[i][column]);
            }
        }
    }

    /// <summary>The figure a page shows in the totals table for a currency and column.</summary>
    public static string Total(XDocument page, string currency, string column) =>
        page.Descendants(Xhtml + "tr")
            .Single(tr => (string?)tr.Attribute("data-currency") == currency)
            .Elements(Xhtml + "td")
            .Single(td => (string?)td.Attribute("data-col") == column)
            .Value;

    public static string Field(XDocument page, string field) =>
        page.Descendants(Xhtml + "dd").Single(dd => (string?)dd.Attribute("data-field") == field).Value;

    public static XElement Section(XDocument page, string id) =>
        page.Descendants(Xhtml + "section").Single(s => (string?)s.Attribute("id") == id);

    public static string[] Column(XElement scope, string column) =>
        scope.Descendants(Xhtml + "td").Where(td => (string?)td.Attribute("data-col") == column).Select(td => td.Value).ToArray();

    /// <summary>
    /// Where the page says its daily figures come from (its daily chart's caption): frozen with the statement, or current.
    /// </summary>
    public static DailySource SourceOf(XDocument page) =>
        Section(page, "daily")
            .Descendants(Xhtml + "figcaption")
            .Single()
            .Value.Contains("Frozen with the statement", StringComparison.Ordinal)
            ? DailySource.Frozen
            : DailySource.Current;
}
