using Metrics.Core.Audit;
using Metrics.Core.Ledger;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Metrics.Integration.Tests;

/// <summary>
/// Nothing closes unpriced, on Azurite, by the CLI and by HTTP as the host calls it: a month with a line whose model
/// has no rate stays open, the refusal naming the model, its lines and GPU-hours; once the rate is imported the month
/// closes with the line priced, and its FOCUS export answers 200.
/// </summary>
/// <remarks>Rates of tools/samples/rates.json in force: H100 26.00, CPU 0.12; B200 has none until the test imports 40.00.</remarks>
public sealed class UnpricedCloseOnAzuriteTests() : MonthOnAzurite(new BillingMonth(2099, 3), "unpriced")
{
    private const string B200 = "B200-SXM6-180GB";

    private string Institution => $"inst-unpriced-{Run}";

    private string Job(string id, string model, double gpus, int day, int hours) =>
        EventJson
            .Job(
                id,
                "ended",
                EventJson.Ts(At(day, hours)),
                gpus,
                Institution,
                $"unpriced-{Run}",
                EventJson.Ts(At(day, 0)),
                EventJson.Ts(At(day, hours)),
                model,
                0
            )
            .ToJsonString();

    private MonthClose NewClose() =>
        BillingStorage.CreateMonthClose(Azurite.Clients, BillingCalendar.Create("Asia/Shanghai"), Time, MonthClose.DefaultGrace);

    private async Task<IActionResult> CloseOverHttpAsync()
    {
        // As the platform's sign-in passes the caller on.
        return await new Metrics.Functions.Billing.CloseMonth(
            NewClose(),
            SignedIn.Gate,
            new BlobAuditLog(Azurite.Clients.Blobs),
            Time
        ).RunAsync(
            SignedIn.Request("POST", ClientPrincipals.Header("finance-admin@centre", [Metrics.Core.Access.RoleNames.FinanceAdmin])),
            Month.ToString(),
            CancellationToken.None
        );
    }

    private async Task<IActionResult> FocusOverHttpAsync()
    {
        return await new Metrics.Functions.Billing.GetUsage(
            BillingStorage.CreateQuery(Azurite.Clients, BillingCalendar.Create("Asia/Shanghai")),
            SignedIn.Gate
        ).RunAsync(
            SignedIn.Request("GET", ClientPrincipals.FinanceReader, $"?institution={Institution}&format=focus"),
            Month.ToString(),
            CancellationToken.None
        );
    }

    /// <summary><c>GET /api/audit</c> as the host calls it: the body, or null for a 400.</summary>
    private async Task<string?> AuditOverHttpAsync(string query)
    {
        IActionResult result = await new Metrics.Functions.Billing.GetAudit(
            new BlobAuditLog(Azurite.Clients.Blobs),
            SignedIn.Gate
        ).RunAsync(SignedIn.Request("GET", ClientPrincipals.FinanceAdmin, query), CancellationToken.None);
        return result is ContentResult { StatusCode: 200 } ok ? ok.Content
            : result is BadRequestObjectResult ? null
            : throw new InvalidOperationException();
    }

    private static int? Status(IActionResult result) =>
        result switch
        {
            ObjectResult o => o.StatusCode ?? 200,
            ContentResult c => c.StatusCode,
            _ => null,
        };

    [Fact]
    public async Task Close_WithALineWithoutRate_IsRefusedNamingTheModel_AndClosesPricedOnceTheRateIsImported()
    {
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        string jobs = Path.Combine(Dir, "jobs.jsonl");
        // H100: 2 GPUs for 1 h on the 10th (2 GPU-h, 52.00); B200: 1 GPU for 2 h on the 11th (2 GPU-h, no rate).
        await File.WriteAllLinesAsync(jobs, [Job("A", "H100-SXM5-80GB", 2, 10, 1), Job("B", B200, 1, 11, 2)]);
        await Azurite.RunOkAsync(Time, "ingest", "--stream", "jobs", "--file", jobs, "--backfill");
        Time.SetUtcNow(new DateTimeOffset(Month.Next().Year, Month.Next().Month, 5, 0, 0, 0, TimeSpan.Zero));

        (int exit, _, string error) = await Azurite.RunAsync(Time, null, "close", "--month", Month.ToString());

        Assert.Equal(1, exit);
        Assert.Contains($"unpriced: {B200}: 1 line(s), 2.0000 GPU-hours without a GPU rate", error, StringComparison.Ordinal);
        Assert.Contains($"metrics close: {Month} stays open: 1 line(s) have no price", error, StringComparison.Ordinal);
        IActionResult overHttp = await CloseOverHttpAsync();
        Assert.Equal(409, Status(overHttp));
        Assert.Contains(B200, JsonSerializer.Serialize(((ObjectResult)overHttp).Value), StringComparison.Ordinal);
        Assert.Equal(409, Status(await FocusOverHttpAsync()));

        // Past its grace and open: the status names it with its last refusal and exits 1; the timer's tick says 1 overdue.
        Time.SetUtcNow(new DateTimeOffset(Month.Next().Year, Month.Next().Month, 10, 0, 0, 0, TimeSpan.Zero));
        MonthClose timer = NewClose();
        MonthCloseResult tick = await timer.CloseDueAsync(CancellationToken.None);
        Assert.Equal((MonthCloseOutcome.Unpriced, 1), (tick.Outcome, timer.MonthsOverdue(tick)));
        (exit, string status, _) = await Azurite.RunAsync(Time, null, "status");
        Assert.Equal(1, exit);
        Assert.Contains(
            $"months: overdue {Month}: last close {Time.GetUtcNow():yyyy-MM-ddTHH:mm}Z left it open: unpriced: {B200}: 1 line(s), 2.0000 "
                + "GPU-hours without a GPU rate",
            status,
            StringComparison.Ordinal
        );
        Assert.Contains($"billing: OVERDUE: {Month} past the close grace and not closed", status, StringComparison.Ordinal);

        string rate = Path.Combine(Dir, "b200.json");
        await File.WriteAllTextAsync(rate, $$"""{"rates":[{"kind":"gpu","model":"{{B200}}","effectiveFrom":"2099-03-01","rate":40.00}]}""");
        await Azurite.RunOkAsync(Time, "rates", "import", rate);
        (exit, string closed, error) = await Azurite.RunAsync(Time, null, "close", "--month", Month.ToString());

        Assert.True(exit == 0, error);
        Assert.Contains($"{Month} closed at", closed, StringComparison.Ordinal);
        string csv = await Azurite.RunOkAsync(Time, "usage", "--month", Month.ToString(), "--institution", Institution);
        Assert.Contains(
            $"{Month},{Institution},{B200},1,2.0000,0.0000,0.0000,,0.0000,40.00,80.00,CNY,usage,",
            csv,
            StringComparison.Ordinal
        );
        Assert.Equal(200, Status(await FocusOverHttpAsync()));
        Assert.DoesNotContain("overdue", await Azurite.RunOkAsync(Time, "status"), StringComparison.Ordinal);

        // The rate that priced the closed month never changes; a correction takes effect after it.
        Assert.Equal("imported=0 unchanged=1\n", await Azurite.RunOkAsync(Time, "rates", "import", rate));
        await File.WriteAllTextAsync(rate, $$"""{"rates":[{"kind":"gpu","model":"{{B200}}","effectiveFrom":"2099-03-15","rate":50.00}]}""");
        (exit, _, error) = await Azurite.RunAsync(Time, null, "rates", "import", rate);
        Assert.Equal(1, exit);
        Assert.Contains($"would reprice {Month} or an earlier month, which is closed", error, StringComparison.Ordinal);

        // Every finance action above is on the record, refusals included, in order: who, what (the file's SHA-256), how.
        string cliAudit = await Azurite.RunOkAsync(Time, "audit");
        AuditRecord[] audit = cliAudit.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(AuditRecord.FromJsonLine).ToArray();
        string unpriced = $"refused: unpriced: {B200}: 1 line(s), 2.0000 GPU-hours without a GPU rate";
        (string Action, string Who, string Outcome)[] expected =
        [
            ("rates.import", "(metrics CLI)", "ok: imported=5 unchanged=0"),
            ("month.close", "(metrics CLI)", unpriced),
            ("month.close", "finance-admin@centre (Metrics.FinanceAdmin) (HTTP)", unpriced),
            ("rates.import", "(metrics CLI)", "ok: imported=1 unchanged=0"),
            ("month.close", "(metrics CLI)", "ok: statement ST-2099-03-"),
            ("rates.import", "(metrics CLI)", "ok: imported=0 unchanged=1"),
            ("rates.import", "(metrics CLI)", $"refused: the {B200} rate effective 2099-03-15 would reprice {Month}"),
        ];
        Assert.Equal(expected.Length, audit.Length);
        foreach (((string action, string who, string outcome), AuditRecord record) in expected.Zip(audit))
        {
            Assert.Equal(action, record.Action);
            Assert.EndsWith(who, record.Who, StringComparison.Ordinal);
            Assert.StartsWith(outcome, record.Outcome, StringComparison.Ordinal);
        }

        Assert.StartsWith(
            "b200.json sha256 "
                + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(rate))),
            audit[^1].Subject,
            StringComparison.Ordinal
        );

        // GET /api/audit serves the same lines; this month's actions, or a 400 for a month that is not one.
        Assert.Equal(cliAudit, await AuditOverHttpAsync(""));
        string thisMonth = $"\"at\":\"{Time.GetUtcNow():yyyy-MM}-";
        Assert.Equal(
            string.Concat(
                cliAudit
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Where(l => l.Contains(thisMonth, StringComparison.Ordinal))
                    .Select(l => l + "\n")
            ),
            await AuditOverHttpAsync($"?month={Time.GetUtcNow():yyyy-MM}")
        );
        Assert.Equal("", await AuditOverHttpAsync("?month=2001-01"));
        Assert.Null(await AuditOverHttpAsync("?month=2026-13"));
        Assert.Equal(0, timer.MonthsOverdue(await timer.CloseDueAsync(CancellationToken.None)));
    }
}
