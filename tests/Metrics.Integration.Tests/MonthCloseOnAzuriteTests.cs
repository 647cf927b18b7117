using System.Security.Cryptography;

namespace Metrics.Integration.Tests;

/// <summary>
/// <c>metrics close</c> end to end on Azurite: refused before the month ends, then a statement frozen with what was
/// pending, served byte for byte (its hash is the CSV's) after late data has changed the billing tables, and a second
/// close that changes nothing. Every figure is worked out by hand below.
/// </summary>
/// <remarks>
/// The month closed is a December, so that the late data and the next month's close cross a year. Rates of
/// tools/samples/rates.json in force: H100 26.00, CPU 0.12 (CNY).
/// </remarks>
public sealed class MonthCloseOnAzuriteTests() : MonthOnAzurite(new BillingMonth(2100, 12), "close")
{
    private const string H100 = "H100-SXM5-80GB";

    private string Institution => $"inst-close-{Run}";

    private string Job(
        string id,
        string state,
        DateTimeOffset ts,
        double gpus,
        int cpus,
        DateTimeOffset start,
        DateTimeOffset? end = null
    ) =>
        EventJson
            .Job(
                id,
                state,
                EventJson.Ts(ts),
                gpus,
                Institution,
                $"close-{Run}",
                EventJson.Ts(start),
                end is null ? null : EventJson.Ts(end.Value),
                H100,
                cpus
            )
            .ToJsonString();

    private async Task IngestJobsAsync(string name, params string[] lines)
    {
        string path = Path.Combine(Dir, name);
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n");
        await Azurite.RunOkAsync(Time, "ingest", "--stream", "jobs", "--file", path, "--backfill");
    }

    private Task<(int Exit, string Out, string Error)> CloseAsync() => Azurite.RunAsync(Time, null, "close", "--month", Month.ToString());

    /// <summary>The institution's FOCUS export of <paramref name="month"/>, as CSV.</summary>
    private Task<string> FocusAsync(BillingMonth month) =>
        Azurite.RunOkAsync(Time, "usage", "--month", month.ToString(), "--institution", Institution, "--format", "focus");

    private Task<string> UsageAsync(params string[] more) => Azurite.RunOkAsync(Time, ["usage", "--month", Month.ToString(), .. more]);

    [Fact]
    public async Task Close_FreezesTheMonthWithWhatWasPending_AndLateDataNeverChangesIt()
    {
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        // Job A: 8 GPUs, 16 CPUs from the 10th 00:00Z, last heartbeat 02:00Z: 16 GPU-h, 32 core-h so far.
        await IngestJobsAsync(
            "a.jsonl",
            Job("A", "started", At(10, 0), 8, 16, At(10, 0)),
            Job("A", "running", At(10, 2), 8, 16, At(10, 0))
        );
        await Azurite.RunOkAsync(Time, "rollup");

        (int exit, _, string error) = await CloseAsync();
        Assert.Equal(2, exit);
        Assert.Contains($"{Month} has not ended in Asia/Shanghai", error, StringComparison.Ordinal);

        // After the month: job B (1 GPU, 4 CPUs, 1 h on the 12th) lands but is not rolled up yet. The close rolls it up.
        Time.SetUtcNow(new DateTimeOffset(Month.Next().Year, Month.Next().Month, 2, 0, 0, 0, TimeSpan.Zero));
        await IngestJobsAsync("b.jsonl", Job("B", "ended", At(12, 1), 1, 4, At(12, 0), At(12, 1)));
        (exit, string closed, error) = await CloseAsync();
        Assert.True(exit == 0, error);

        // 17 GPU-h x 26.00 + 36 core-h x 0.12 = 442 + 4.32 = 446.32.
        string csv = await UsageAsync("--institution", Institution);
        Assert.Equal(
            FinanceCsv.Header + "\r\n" + $"{Month},{Institution},{H100},2,17.0000,0.0000,0.0000,,36.0000,26.00,446.32,CNY,usage,\r\n",
            csv
        );
        string all = await UsageAsync();
        string sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(all)));
        // The close put the frozen lines into the lake, as the generation nothing replaces.
        Assert.Equal(
            Metrics.Core.Lake.UsageLake.Frozen,
            await new BlobLakeStore(Azurite.Clients.Blobs).GenerationAsync(Metrics.Core.Lake.LakePaths.Usage(Month), CancellationToken.None)
        );
        Assert.Matches(
            $"^{Month} closed at .*Z: statement ST-{Month}-{sha[..8].ToUpperInvariant()}, 1 line\\(s\\), csv sha256 {sha}\n$",
            closed
        );

        // Job A's end arrives late (04:00Z: 32 GPU-h) and the rollup takes it: the billing tables move, the statement not.
        // With it, the producers resend everything (new sequence numbers): resends change nothing, before or after the close.
        await IngestJobsAsync("late.jsonl", Job("A", "ended", At(10, 4), 8, 16, At(10, 0), At(10, 4)));
        foreach (string resent in new[] { "a.jsonl", "b.jsonl", "late.jsonl" })
        {
            await Azurite.RunOkAsync(Time, "ingest", "--stream", "jobs", "--file", Path.Combine(Dir, resent), "--backfill");
        }

        await Azurite.RunOkAsync(Time, "rollup");
        UsageReport live = await BillingStorage
            .CreateQuery(Azurite.Clients, BillingCalendar.Create("Asia/Shanghai"))
            .ComputeAsync(Month, Institution, CancellationToken.None);
        Assert.Equal(33m * 3600m, Assert.Single(live.Lines).Usage.Seconds.Gpu);

        Assert.Equal(all, await UsageAsync());
        Assert.Equal(csv, await UsageAsync("--institution", Institution));

        // The difference is booked in the next month, still open, at the closed month's rates: +16 GPU-h, +32 core-h,
        // 16 x 26.00 + 32 x 0.12 = 419.84. The closed month's frozen 446.32 plus it is the 866.16 it would be today.
        BillingMonth next = Month.Next();
        Assert.Equal(
            FinanceCsv.Header
                + "\r\n"
                + $"{next},{Institution},{H100},0,16.0000,0.0000,0.0000,,32.0000,26.00,419.84,CNY,adjustment,{Month}\r\n",
            await Azurite.RunOkAsync(Time, "usage", "--month", next.ToString(), "--institution", Institution)
        );

        // The same adjustment in FOCUS: a Usage row of class Correction per meter whose charge period is the closed
        // month's, GPU-hours at 26.00 (416.00) and core-hours at 0.12 (3.84); both together bill the 419.84.
        string nextFocus = await FocusAsync(next);
        List<Dictionary<string, string>> corrections = CsvRows.Parse(nextFocus);
        string chargeStart = EventJson.Ts(BillingCalendar.Create("Asia/Shanghai").StartUtc(Month));
        Assert.Equal(
            [
                ("Usage", "Correction", H100, "416.00", "16.0000", "26.00", chargeStart, Month.ToString()),
                ("Usage", "Correction", "CPU-CORE", "3.84", "32.0000", "0.12", chargeStart, Month.ToString()),
            ],
            corrections.Select(c =>
                (
                    c["ChargeCategory"],
                    c["ChargeClass"],
                    c["SkuId"],
                    c["BilledCost"],
                    c["PricingQuantity"],
                    c["ListUnitPrice"],
                    c["ChargePeriodStart"],
                    c["x_AdjustsMonth"]
                )
            )
        );
        FocusConformance.AssertPasses(nextFocus);

        // Closed with the adjustment and a voucher's credit, the month's export still passes every FOCUS rule.
        string voucher = Path.Combine(Dir, "voucher.json");
        await File.WriteAllTextAsync(
            voucher,
            $$"""
            [{"id": "vc-{{Run}}", "institution": "{{Institution}}", "amount": 100.00, "currency": "CNY",
              "validFrom": "{{next.FirstDay:yyyy-MM-dd}}", "validTo": "{{next.Next().FirstDay.AddDays(-1):yyyy-MM-dd}}", "maxShare": 1}]
            """
        );
        await Azurite.RunOkAsync(Time, "vouchers", "import", voucher);
        Time.SetUtcNow(new DateTimeOffset(next.Next().Year, next.Next().Month, 2, 0, 0, 0, TimeSpan.Zero));
        Assert.Contains("statement ST-", await Azurite.RunOkAsync(Time, "close", "--month", next.ToString()), StringComparison.Ordinal);
        string closedFocus = await FocusAsync(next);
        Assert.Equal(
            ["Correction", "Correction", "Credit"],
            CsvRows.Parse(closedFocus).Select(r => r["ChargeClass"].Length > 0 ? r["ChargeClass"] : r["ChargeCategory"])
        );
        Assert.Equal(319.84m, CsvRows.Sum(CsvRows.Parse(closedFocus), "BilledCost"));
        FocusConformance.AssertPasses(closedFocus);

        // The same export as Parquet: its columns typed (decimals, UTC timestamps), the same rows, and every rule holds.
        string parquet = Path.Combine(Dir, "focus.parquet");
        await Azurite.RunOkAsync(
            Time,
            ["usage", "--month", next.ToString(), "--institution", Institution, "--format", "focus-parquet", "--out", parquet]
        );
        FocusTable typed = FocusParquetTable.Read(parquet);
        FocusConformance.AssertPasses(typed);
        Assert.Equal(3, typed.Rows.Count);
        Assert.Equal(319.84m, typed.Rows.Sum(r => (decimal)r["BilledCost"]!));
        Assert.IsType<DateTime>(typed.Rows[0]["ChargePeriodStart"]);

        using JsonDocument json = JsonDocument.Parse(await UsageAsync("--format", "json", "--institution", Institution));
        Assert.True(json.RootElement.GetProperty("closed").GetBoolean());
        Assert.Equal(sha, json.RootElement.GetProperty("statement_sha256").GetString());
        Assert.Equal("446.32", json.RootElement.GetProperty("lines")[0].GetProperty("amount").GetRawText());

        // Closing again is harmless and says so.
        (exit, string again, error) = await CloseAsync();
        Assert.True(exit == 0, error);
        Assert.Contains($"{Month} already closed", again, StringComparison.Ordinal);
        Assert.Contains(sha, again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vouchers_PayEarliestExpiryFirst_WithinShareAndBalance_AndBalancesMoveOnlyWhenAMonthCloses()
    {
        BillingMonth next = Month.Next();
        DateOnly nextEnd = next.Next().FirstDay.AddDays(-1);
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        string vouchers = Path.Combine(Dir, "vouchers.json");
        await File.WriteAllTextAsync(
            vouchers,
            $$"""
            [
              {"id": "v1-{{Run}}", "institution": "{{Institution}}", "amount": 300.00, "currency": "CNY",
                "validFrom": "{{Month.FirstDay:yyyy-MM-dd}}", "validTo": "{{nextEnd:yyyy-MM-dd}}", "maxShare": 0.5},
              {"id": "v2-{{Run}}", "institution": "{{Institution}}", "amount": 1000.00, "currency": "CNY",
                "validFrom": "{{Month.FirstDay:yyyy-MM-dd}}", "validTo": "{{nextEnd.AddMonths(
                6
            ):yyyy-MM-dd}}", "maxShare": 1}
            ]
            """
        );
        Assert.Equal("imported=2 unchanged=0\n", await Azurite.RunOkAsync(Time, "vouchers", "import", vouchers));
        Assert.Equal("imported=0 unchanged=2\n", await Azurite.RunOkAsync(Time, "vouchers", "import", vouchers));

        // Job A: 16 GPU-h, 32 core-h = 419.84. v1 (earliest expiry) pays its share, 0.5 x 419.84 = 209.92; v2 the rest.
        await IngestJobsAsync("a.jsonl", Job("A", "ended", At(10, 2), 8, 16, At(10, 0), At(10, 2)));
        await Azurite.RunOkAsync(Time, "rollup");
        string usage = $"{Month},{Institution},{H100},1,16.0000,0.0000,0.0000,,32.0000,26.00,419.84,CNY,usage,\r\n";
        string credits = $"{Month},{Institution},,0,0.0000,0.0000,0.0000,,0.0000,,-209.92,CNY,credit,\r\n";
        Assert.Equal(FinanceCsv.Header + "\r\n" + usage + credits + credits, await UsageAsync("--institution", Institution));

        // Open month: provisional credits draw on nothing yet.
        Assert.Contains(
            $"v1-{Run},{Institution},CNY,300.00,0.00,300.00,",
            await Azurite.RunOkAsync(Time, "vouchers", "list", "--institution", Institution),
            StringComparison.Ordinal
        );

        Time.SetUtcNow(new DateTimeOffset(next.Year, next.Month, 2, 0, 0, 0, TimeSpan.Zero));
        (int exit, _, string error) = await CloseAsync();
        Assert.True(exit == 0, error);
        string list = await Azurite.RunOkAsync(Time, "vouchers", "list", "--institution", Institution);
        Assert.Contains($"v1-{Run},{Institution},CNY,300.00,209.92,90.08,", list, StringComparison.Ordinal);
        Assert.Contains($"v2-{Run},{Institution},CNY,1000.00,209.92,790.08,", list, StringComparison.Ordinal);

        // GET /api/vouchers over the same store says the same.
        Microsoft.AspNetCore.Http.HttpRequest request = SignedIn.Request(
            "GET",
            ClientPrincipals.InstitutionReader(Institution),
            $"?institution={Institution}"
        );
        var store = new TableVoucherStore(Azurite.Clients.Tables);
        var api = new Metrics.Functions.Billing.Vouchers(
            store,
            new Metrics.Core.Ledger.VoucherLedger(
                store,
                new BlobStatementStore(Azurite.Clients.Blobs),
                BillingCalendar.Create("Asia/Shanghai")
            ),
            Time,
            SignedIn.Gate,
            new Metrics.Functions.Billing.FinanceImport(SignedIn.Gate, Time)
        );
        var ok = Assert.IsType<Microsoft.AspNetCore.Mvc.OkObjectResult>(await api.ListAsync(request, CancellationToken.None));
        using (JsonDocument balances = JsonDocument.Parse(JsonSerializer.Serialize(ok.Value)))
        {
            Assert.Equal(
                new[] { ($"v1-{Run}", "209.92", "90.08"), ($"v2-{Run}", "209.92", "790.08") },
                balances
                    .RootElement.EnumerateArray()
                    .Select(b =>
                        (b.GetProperty("id").GetString()!, b.GetProperty("used").GetRawText(), b.GetProperty("balance").GetRawText())
                    )
                    .ToArray()
            );
        }

        // Next month, job C: 10 GPU-h, 40 core-h = 264.80. v1 has 90.08 left (its share would be 132.40); v2 pays 174.72.
        await IngestJobsAsync(
            "c.jsonl",
            Job(
                "C",
                "ended",
                new DateTimeOffset(next.Year, next.Month, 1, 10, 0, 0, TimeSpan.Zero),
                1,
                4,
                new DateTimeOffset(next.Year, next.Month, 1, 0, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(next.Year, next.Month, 1, 10, 0, 0, TimeSpan.Zero)
            )
        );
        await Azurite.RunOkAsync(Time, "rollup");
        using JsonDocument json = JsonDocument.Parse(
            await Azurite.RunOkAsync(Time, "usage", "--month", next.ToString(), "--institution", Institution, "--format", "json")
        );
        Assert.Equal(
            [("usage", null, "264.80"), ("credit", $"v1-{Run}", "-90.08"), ("credit", $"v2-{Run}", "-174.72")],
            json.RootElement.GetProperty("lines")
                .EnumerateArray()
                .Select(l =>
                    (l.GetProperty("line_type").GetString(), l.GetProperty("voucher_id").GetString(), l.GetProperty("amount").GetRawText())
                )
                .ToArray()
        );

        // FOCUS: a usage row per meter (GPU-hours 260.00, core-hours 4.80) and a Credit row per voucher; BilledCost adds
        // up to what is left to pay, 0.00; and every FOCUS rule holds, as for the closed month before it.
        string focusCsv = await FocusAsync(next);
        FocusConformance.AssertPasses(focusCsv);
        FocusConformance.AssertPasses(await FocusAsync(Month));
        List<Dictionary<string, string>> focus = CsvRows.Parse(focusCsv);
        Assert.Equal(
            new[] { ("Usage", "260.00", ""), ("Usage", "4.80", ""), ("Credit", "-90.08", $"v1-{Run}"), ("Credit", "-174.72", $"v2-{Run}") },
            focus.Select(r => (r["ChargeCategory"], r["BilledCost"], r["x_VoucherId"])).ToArray()
        );
        Assert.Equal(0.00m, CsvRows.Sum(focus, "BilledCost"));

        // Once v1 has expired, what is left of it lapses.
        Time.SetUtcNow(new DateTimeOffset(next.Next().Year, next.Next().Month, 5, 0, 0, 0, TimeSpan.Zero));
        Assert.Contains(
            $"v1-{Run},{Institution},CNY,300.00,209.92,90.08,{Month.FirstDay:yyyy-MM-dd},{nextEnd:yyyy-MM-dd},0.5,lapsed",
            await Azurite.RunOkAsync(Time, "vouchers", "list", "--institution", Institution),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Statement_EditedInStorage_IsRefusedRatherThanServed()
    {
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        Time.SetUtcNow(new DateTimeOffset(Month.Next().Year, Month.Next().Month, 2, 0, 0, 0, TimeSpan.Zero));
        await IngestJobsAsync("b.jsonl", Job("B", "ended", At(12, 1), 1, 4, At(12, 0), At(12, 1)));
        (int exit, _, string error) = await CloseAsync();
        Assert.True(exit == 0, error);

        // Someone with write access to the container changes a figure: the seal no longer matches, and finance is told.
        var blob = Azurite
            .Clients.Blobs.GetBlobContainerClient(BlobStatementStore.Container)
            .GetBlobClient(BlobStatementStore.PathOf(Month));
        string stored = (await blob.DownloadContentAsync()).Value.Content.ToString();
        await blob.UploadAsync(
            BinaryData.FromString(stored.Replace("\"gpu_seconds\": 3600", "\"gpu_seconds\": 360", StringComparison.Ordinal)),
            overwrite: true
        );

        (exit, _, error) = await Azurite.RunAsync(Time, null, "usage", "--month", Month.ToString());
        Assert.Equal(1, exit);
        Assert.Contains("no longer matches its seal", error, StringComparison.Ordinal);
    }
}
