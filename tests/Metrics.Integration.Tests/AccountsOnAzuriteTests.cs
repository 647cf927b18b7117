namespace Metrics.Integration.Tests;

/// <summary>
/// <c>metrics usage --by account</c> end to end on Azurite: jobs' hours go to their projects, GPU samples to the project
/// of the job they name (or to the empty account when no job's events name one), the parts add up to the institution's
/// line to the 0.0001 h and the cent, and a closed month's breakdown is frozen with its statement; the HTTP API serves
/// the same bytes as the CLI. Figures by hand below.
/// </summary>
/// <remarks>Rates in force in the month billed and closed: H100 26.00, CPU 0.12.</remarks>
public sealed class AccountsOnAzuriteTests() : MonthOnAzurite(new BillingMonth(2061, 4), "accounts")
{
    private const string H100 = "H100-SXM5-80GB";

    private string Institution => $"inst-acct-{Run}";

    private string Cluster => $"acct-{Run}";

    private string Job(string id, double gpus, int cpus, string? account) =>
        EventJson
            .Job(
                id,
                "ended",
                EventJson.Ts(At(10, 1)),
                gpus,
                Institution,
                Cluster,
                EventJson.Ts(At(10, 0)),
                EventJson.Ts(At(10, 1)),
                H100,
                cpus,
                account
            )
            .ToJsonString();

    private string Sample(string node, int gpus, string jobId, double utilPct)
    {
        JsonObject e = EventJson.Gpu(
            node: $"{node}-{Run}",
            ts: EventJson.Ts(At(10, 0, 1)),
            gpus: gpus,
            jobId: jobId,
            institution: Institution,
            utilPct: utilPct,
            intervalS: 60
        );
        e["cluster"] = Cluster;
        return e.ToJsonString();
    }

    private Task<string> UsageAsync(params string[] more) =>
        Azurite.RunOkAsync(Time, ["usage", "--month", Month.ToString(), "--institution", Institution, .. more]);

    [Fact]
    public async Task ByAccount_SplitsEachLineIntoItsProjects_PartsAddUpExactly_AndAClosedMonthKeepsItsSplit()
    {
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        // The 10th, 00:00-01:00Z: job A (proj-a) 2 GPUs + 4 CPUs, job B (proj-b) 1 GPU + 2 CPUs. 3 GPU-h, 6 core-h:
        // 3 x 26.00 + 6 x 0.12 = 78.72, of which A's own 52.48 and B's 26.24.
        await IngestAsync("jobs", Job("A", 2, 4, "proj-a"), Job("B", 1, 2, "proj-b"));
        // One 60 s sample at 00:01Z per GPU: A's 2 GPUs at 50 % (120 s observed, 60 s active) and 1 GPU of job X, which
        // no job event names, at 100 % (60 s, 60 s): the line observes 180 s = 0.0500 h, 120 s active = 0.0333 h.
        await IngestAsync("gpu", Sample("n1", 2, "A", 50), Sample("n2", 1, "X", 100));
        await Azurite.RunOkAsync(Time, "rollup");

        string line = $"{Month},{Institution},{H100}";
        string byInstitution = await UsageAsync();
        Assert.Equal(FinanceCsv.Header + "\r\n" + $"{line},2,3.0000,0.0333,0.0500,66.67,6.0000,26.00,78.72,CNY,usage,\r\n", byInstitution);

        // Observed 0.0500 h = 500 units in 60:120:0 -> 166.67, 333.33, 0: floors 166 + 333, the unit left to the larger
        // remainder (the empty account). Active 333 units in 60:60:0 -> 166.5 each: the tie goes to the account that sorts
        // first. Each account's utilisation is its own: 100 % and 50 %.
        string byAccount = await UsageAsync("--by", "account");
        Assert.Equal(
            FinanceCsv.HeaderByAccount
                + "\r\n"
                + $"{line},0,0.0000,0.0167,0.0167,100.00,0.0000,26.00,0.00,CNY,usage,,\r\n"
                + $"{line},1,2.0000,0.0166,0.0333,50.00,4.0000,26.00,52.48,CNY,usage,,proj-a\r\n"
                + $"{line},1,1.0000,0.0000,0.0000,,2.0000,26.00,26.24,CNY,usage,,proj-b\r\n",
            byAccount
        );
        AssertPartsAddUp(byInstitution, byAccount);

        // Job X's events arrive, charged to proj-x: its sample moves to proj-x, the line is unchanged but for one more job.
        await IngestAsync("jobs", Job("X", 1, 0, "proj-x"));
        await Azurite.RunOkAsync(Time, "rollup");
        byInstitution = await UsageAsync();
        Assert.Equal(FinanceCsv.Header + "\r\n" + $"{line},3,4.0000,0.0333,0.0500,66.67,6.0000,26.00,104.72,CNY,usage,\r\n", byInstitution);
        byAccount = await UsageAsync("--by", "account");
        Assert.Contains(
            $"{line},1,1.0000,0.0166,0.0167,100.00,0.0000,26.00,26.00,CNY,usage,,proj-x\r\n",
            byAccount,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain(",usage,,\r\n", byAccount, StringComparison.Ordinal);
        AssertPartsAddUp(byInstitution, byAccount);

        // Closed: the split is frozen with the statement. A later job in the month changes neither view.
        Time.SetUtcNow(new DateTimeOffset(Month.Next().Year, Month.Next().Month, 5, 0, 0, 0, TimeSpan.Zero));
        // Closed over HTTP this time (POST /api/months/{month}/close), as finance's tooling would.
        string closedOnce = await CloseOverHttpAsync();
        Assert.Contains("\"already_closed\":false", closedOnce, StringComparison.Ordinal);
        Assert.Contains("\"already_closed\":true", await CloseOverHttpAsync(), StringComparison.Ordinal);
        await IngestAsync("jobs", Job("Y", 4, 0, "proj-a"));
        await Azurite.RunOkAsync(Time, "rollup");
        Assert.Equal(byInstitution, await UsageAsync());
        Assert.Equal(byAccount, await UsageAsync("--by", "account"));

        using JsonDocument json = JsonDocument.Parse(await UsageAsync("--by", "account", "--format", "json"));
        Assert.Equal("account", json.RootElement.GetProperty("by").GetString());
        Assert.True(json.RootElement.GetProperty("closed").GetBoolean());
        Assert.Equal(
            new[] { "proj-a", "proj-b", "proj-x" },
            json.RootElement.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("account").GetString() ?? "(null)").ToArray()
        );

        // FOCUS: one Usage row per project and meter (GPU-hours, core-hours when it has any), the institution as billing
        // account; BilledCost adds up to the statement's 104.72.
        List<Dictionary<string, string>> focus = CsvRows.Parse(await UsageAsync("--format", "focus"));
        Assert.Equal(
            new[] { ("proj-a", "52.00"), ("proj-a", "0.48"), ("proj-b", "26.00"), ("proj-b", "0.24"), ("proj-x", "26.00") },
            focus.Select(r => (r["SubAccountId"], r["BilledCost"])).ToArray()
        );
        Assert.All(
            focus,
            r =>
                Assert.Equal(
                    (Institution, "Usage", H100, json.RootElement.GetProperty("statement_id").GetString()),
                    (r["BillingAccountId"], r["ChargeCategory"], r["x_GpuModel"], r["x_StatementId"])
                )
        );
        Assert.Equal(104.72m, CsvRows.Sum(focus, "BilledCost"));
        FocusConformance.AssertPasses(await UsageAsync("--format", "focus"));

        // Finance's API over the same store gives the same bytes as the CLI.
        Assert.Equal(byAccount, await HttpAsync($"?institution={Institution}&by=account"));
        Assert.Equal(await UsageAsync("--format", "focus"), await HttpAsync($"?institution={Institution}&format=focus"));
    }

    /// <summary><c>POST /api/months/{month}/close</c> as the host would call it, over Azurite: the response body.</summary>
    private async Task<string> CloseOverHttpAsync()
    {
        var function = new Metrics.Functions.Billing.CloseMonth(
            Metrics.Storage.BillingStorage.CreateMonthClose(
                Azurite.Clients,
                BillingCalendar.Create("Asia/Shanghai"),
                Time,
                Metrics.Core.Ledger.MonthClose.DefaultGrace
            ),
            SignedIn.Gate
        );
        var ok = Assert.IsType<Microsoft.AspNetCore.Mvc.OkObjectResult>(
            await function.RunAsync(SignedIn.Request("POST", ClientPrincipals.FinanceAdmin), Month.ToString(), CancellationToken.None)
        );
        return JsonSerializer.Serialize(ok.Value);
    }

    /// <summary><c>GET /api/usage/{month}</c> as the host would call it, over Azurite.</summary>
    private async Task<string> HttpAsync(string query)
    {
        var function = new Metrics.Functions.Billing.GetUsage(
            Metrics.Storage.BillingStorage.CreateQuery(Azurite.Clients, BillingCalendar.Create("Asia/Shanghai")),
            SignedIn.Gate
        );
        var result = Assert.IsType<Microsoft.AspNetCore.Mvc.ContentResult>(
            await function.RunAsync(
                SignedIn.Request("GET", ClientPrincipals.FinanceReader, query),
                Month.ToString(),
                CancellationToken.None
            )
        );
        Assert.Equal(200, result.StatusCode);
        return result.Content!;
    }

    /// <summary>Every figure of the institution's usage lines equals the sum of its account lines.</summary>
    private static void AssertPartsAddUp(string byInstitution, string byAccount)
    {
        List<Dictionary<string, string>> accounts = CsvRows.Parse(byAccount);
        foreach (Dictionary<string, string> line in CsvRows.Parse(byInstitution).Where(r => r["line_type"] == "usage"))
        {
            var parts = accounts
                .Where(a => a["institution"] == line["institution"] && a["gpu_model"] == line["gpu_model"] && a["line_type"] == "usage")
                .ToArray();
            foreach (string column in new[] { "gpu_hours", "active_gpu_hours", "observed_gpu_hours", "cpu_core_hours", "amount" })
            {
                Assert.Equal(CsvRows.Sum([line], column), CsvRows.Sum(parts, column));
            }
        }
    }
}
