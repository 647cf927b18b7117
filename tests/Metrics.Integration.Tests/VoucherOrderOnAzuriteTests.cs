using Metrics.Core.Ledger;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Metrics.Integration.Tests;

/// <summary>
/// A voucher never pays more than its amount, whatever the order and channel of the closes: a voucher of 100.00
/// (maxShare 1) valid for two months, for an institution charged 156.00 in each (6 GPU-h at 26.00). Months close in
/// order: a close of the second while the first is open is refused naming the first, by the CLI and by HTTP; two
/// closes at once leave at most the first closed. In every case the two months' credits sum to -100.00 and the
/// balance ends at 0.00, never below.
/// </summary>
/// <remarks>Rates of tools/samples/rates.json in force: H100 26.00 (from 2026-12-01), CPU 0.12.</remarks>
public sealed class VoucherOrderOnAzuriteTests() : MonthOnAzurite(new BillingMonth(2098, 10), "voucher-order")
{
    private BillingMonth Second => Month.Next();

    private string Institution => $"inst-vo-{Run}";

    private MonthClose NewClose() =>
        BillingStorage.CreateMonthClose(Azurite.Clients, BillingCalendar.Create("Asia/Shanghai"), Time, MonthClose.DefaultGrace);

    private async Task SetUpAsync()
    {
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        string vouchers = Path.Combine(Dir, "vouchers.json");
        DateOnly to = Second.Next().FirstDay.AddDays(-1);
        await File.WriteAllTextAsync(
            vouchers,
            $$"""
            [{"id": "v-{{Run}}", "institution": "{{Institution}}", "amount": 100.00, "currency": "CNY",
              "validFrom": "{{Month.FirstDay:yyyy-MM-dd}}", "validTo": "{{to:yyyy-MM-dd}}", "maxShare": 1}]
            """
        );
        await Azurite.RunOkAsync(Time, "vouchers", "import", vouchers);
        string jobs = Path.Combine(Dir, "jobs.jsonl");
        await File.WriteAllLinesAsync(
            jobs,
            [
                Job("A", new DateTimeOffset(Month.Year, Month.Month, 10, 0, 0, 0, TimeSpan.Zero)),
                Job("B", new DateTimeOffset(Second.Year, Second.Month, 10, 0, 0, 0, TimeSpan.Zero)),
            ]
        );
        await Azurite.RunOkAsync(Time, "ingest", "--stream", "jobs", "--file", jobs, "--backfill");
        Time.SetUtcNow(new DateTimeOffset(Second.Next().Year, Second.Next().Month, 10, 0, 0, 0, TimeSpan.Zero));
    }

    private string Job(string id, DateTimeOffset start) =>
        EventJson
            .Job(
                id,
                "ended",
                EventJson.Ts(start.AddHours(6)),
                1,
                Institution,
                $"vo-{Run}",
                EventJson.Ts(start),
                EventJson.Ts(start.AddHours(6)),
                "H100-SXM5-80GB",
                0
            )
            .ToJsonString();

    private Task<(int Exit, string Out, string Error)> CloseByCliAsync(BillingMonth month) =>
        Azurite.RunAsync(Time, null, "close", "--month", month.ToString());

    private async Task<int> CloseByHttpAsync(BillingMonth month)
    {
        IActionResult result = await new Metrics.Functions.Billing.CloseMonth(NewClose(), SignedIn.Gate).RunAsync(
            SignedIn.Request("POST", ClientPrincipals.FinanceAdmin),
            month.ToString(),
            CancellationToken.None
        );
        return result is ObjectResult o ? o.StatusCode ?? 200 : 0;
    }

    /// <summary>The credits of both months (closed or not) and the voucher's line in <c>vouchers list</c>.</summary>
    private async Task AssertPaidOnceAsync()
    {
        decimal credits = 0m;
        foreach (BillingMonth month in new[] { Month, Second })
        {
            List<Dictionary<string, string>> rows = CsvRows.Parse(
                await Azurite.RunOkAsync(Time, "usage", "--month", month.ToString(), "--institution", Institution)
            );
            credits += CsvRows.Sum(rows.Where(r => r["line_type"] == "credit").ToList(), "amount");
        }

        Assert.Equal(-100.00m, credits);
        Assert.Contains(
            $"v-{Run},{Institution},CNY,100.00,100.00,0.00,",
            await Azurite.RunOkAsync(Time, "vouchers", "list", "--institution", Institution),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task SecondMonthFirst_IsRefusedNamingTheFirst_ByCliAndHttp_ThenInOrder_TheVoucherPaysItsAmountOnce()
    {
        await SetUpAsync();

        (int exit, _, string error) = await CloseByCliAsync(Second);
        Assert.Equal(1, exit);
        Assert.Contains(
            $"{Second} stays open: {Month} has usage and is not closed; months close in order",
            error,
            StringComparison.Ordinal
        );
        Assert.Equal(409, await CloseByHttpAsync(Second));

        Assert.Equal(0, (await CloseByCliAsync(Month)).Exit);
        Assert.Equal(200, await CloseByHttpAsync(Second));
        await AssertPaidOnceAsync();
    }

    [Fact]
    public async Task InOrder_TheVoucherPaysItsAmountOnce()
    {
        await SetUpAsync();

        Assert.Equal(200, await CloseByHttpAsync(Month));
        Assert.Equal(0, (await CloseByCliAsync(Second)).Exit);
        await AssertPaidOnceAsync();
    }

    [Fact]
    public async Task BothAtOnce_AtMostTheFirstCloses_ThenTheSecond_AndTheVoucherPaysItsAmountOnce()
    {
        await SetUpAsync();

        int[] statuses = await Task.WhenAll(CloseByHttpAsync(Second), CloseByHttpAsync(Month), CloseByHttpAsync(Second));
        Assert.Equal(200, statuses[1]);
        Assert.All([statuses[0], statuses[2]], s => Assert.Contains(s, new[] { 200, 409, 503 }));

        Assert.Equal(200, await CloseByHttpAsync(Second));
        await AssertPaidOnceAsync();
    }

    [Fact]
    public async Task Timer_ClosesTheOldestOpenMonthFirst_AndEveryMonthUpToTheDueOne()
    {
        await SetUpAsync();

        MonthCloseResult result = await NewClose().CloseDueAsync(CancellationToken.None);

        Assert.Equal((MonthCloseOutcome.Closed, Second, 0), (result.Outcome, result.Month, NewClose().MonthsOverdue(result)));
        Assert.Contains($"months: closed {Month} {Second}", await Azurite.RunOkAsync(Time, "status"), StringComparison.Ordinal);
        await AssertPaidOnceAsync();
    }
}
