using System.Text;
using System.Text.Json;
using Metrics.Core.Ledger;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Functions.Tests;

/// <summary>Closing a month and managing vouchers over HTTP, called directly, over in-memory stores.</summary>
public sealed class FinanceHttpTests
{
    private static readonly BillingCalendar s_calendar = BillingCalendar.Create("Asia/Shanghai");
    private readonly InMemoryUsageStore _usage = new();
    private readonly InMemoryStatementStore _statements = new();
    private readonly InMemoryVoucherStore _vouchers = new();
    private readonly InMemoryWorkLock _lock = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));

    private CloseMonth Close()
    {
        var rollup = new UsageRollup(
            new InMemoryWorkMarks(),
            new InMemoryLandedFiles(new InMemoryLandingStore()),
            new InMemoryJobStateStore(),
            _usage,
            _lock,
            s_calendar
        );
        var query = new UsageQuery(_usage, InMemoryRateCardStore.Standard(), _statements, _vouchers, s_calendar);
        return new CloseMonth(new MonthClose(rollup, query, _usage, _statements, _lock, s_calendar, _time), SignedIn.Gate);
    }

    private Billing.Vouchers VouchersFunction() =>
        new(_vouchers, new VoucherLedger(_vouchers, _statements, s_calendar), _time, SignedIn.Gate, new(SignedIn.Gate, _time));

    private static HttpRequest Request(string method, string body = "", string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.QueryString = new QueryString(query);
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request.As(ClientPrincipals.FinanceAdmin);
    }

    private static JsonElement Json(IActionResult result) =>
        JsonSerializer.SerializeToElement(Assert.IsAssignableFrom<ObjectResult>(result).Value);

    [Fact]
    public async Task Close_BeforeTheMonthEnds_Is409_ThenClosesOnce_ThenSaysAlreadyClosed()
    {
        var november = new BillingMonth(2026, 11);
        _usage.Months[november] = [new MonthlyUsage(november, "inst-00042", "H100-SXM5-80GB", "", 1, new UsageSeconds(3600m, 0m, 0m, 0m))];

        Assert.IsType<ConflictObjectResult>(await Close().RunAsync(Request("POST"), "2026-11", CancellationToken.None));
        Assert.IsType<BadRequestObjectResult>(await Close().RunAsync(Request("POST"), "2026-13", CancellationToken.None));

        _time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        JsonElement closed = Json(await Close().RunAsync(Request("POST"), "2026-11", CancellationToken.None));
        JsonElement again = Json(await Close().RunAsync(Request("POST"), "2026-11", CancellationToken.None));

        Assert.False(closed.GetProperty("already_closed").GetBoolean());
        Assert.True(again.GetProperty("already_closed").GetBoolean());
        Assert.Equal(closed.GetProperty("statement_sha256").GetString(), again.GetProperty("statement_sha256").GetString());
        Assert.StartsWith("ST-2026-11-", closed.GetProperty("statement_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, closed.GetProperty("lines").GetInt32());
    }

    [Fact]
    public async Task Close_WhileAnotherRollupHoldsTheLock_Is503AndClosesNothing()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        await using Metrics.Core.Work.IWorkLease held = await _lock.AcquireAsync(TimeSpan.Zero, CancellationToken.None);
        var rollup = new UsageRollup(
            new InMemoryWorkMarks(),
            new InMemoryLandedFiles(new InMemoryLandingStore()),
            new InMemoryJobStateStore(),
            _usage,
            _lock.Impatient(),
            s_calendar
        );
        var query = new UsageQuery(_usage, InMemoryRateCardStore.Standard(), _statements, _vouchers, s_calendar);
        var close = new CloseMonth(new MonthClose(rollup, query, _usage, _statements, _lock.Impatient(), s_calendar, _time), SignedIn.Gate);

        var result = Assert.IsType<ObjectResult>(await close.RunAsync(Request("POST"), "2026-11", CancellationToken.None));

        Assert.Equal(503, result.StatusCode);
        Assert.Empty(_statements.Stored);
    }

    [Fact]
    public async Task Vouchers_ImportListAndRefuseChangedTerms()
    {
        const string file = """
            [{"id": "v1", "institution": "inst-00042", "amount": 500.00, "currency": "CNY",
              "validFrom": "2026-11-01", "validTo": "2027-10-31", "maxShare": 0.5}]
            """;

        JsonElement imported = Json(await VouchersFunction().ImportAsync(Request("POST", file), CancellationToken.None));
        JsonElement again = Json(await VouchersFunction().ImportAsync(Request("POST", file), CancellationToken.None));
        IActionResult changed = await VouchersFunction()
            .ImportAsync(Request("POST", file.Replace("500.00", "900.00", StringComparison.Ordinal)), CancellationToken.None);
        IActionResult broken = await VouchersFunction().ImportAsync(Request("POST", "[{"), CancellationToken.None);
        JsonElement listed = Json(
            await VouchersFunction().ListAsync(Request("GET", query: "?institution=inst-00042"), CancellationToken.None)
        );

        Assert.Equal((1, 0), (imported.GetProperty("imported").GetInt32(), imported.GetProperty("unchanged").GetInt32()));
        Assert.Equal((0, 1), (again.GetProperty("imported").GetInt32(), again.GetProperty("unchanged").GetInt32()));
        Assert.IsType<ConflictObjectResult>(changed);
        Assert.IsType<BadRequestObjectResult>(broken);
        JsonElement v1 = Assert.Single(listed.EnumerateArray());
        Assert.Equal(
            ("v1", 500.00m, 0m, "active"),
            (
                v1.GetProperty("id").GetString(),
                v1.GetProperty("balance").GetDecimal(),
                v1.GetProperty("used").GetDecimal(),
                v1.GetProperty("status").GetString()
            )
        );
    }

    /// <summary>A voucher import body over 1 MiB is refused with 413, by its declared length or as it is read.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ImportVouchers_BodyOverTheLimit_Is413AndImportsNothing(bool declared)
    {
        string body = "[" + new string(' ', Core.Validation.FinanceLimits.MaxRequestBytes) + "]";
        HttpRequest request = Request("POST", body);
        if (declared)
        {
            request.ContentLength = body.Length;
        }

        var result = Assert.IsAssignableFrom<ObjectResult>(await VouchersFunction().ImportAsync(request, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, result.StatusCode);
        Assert.Empty(await _vouchers.ListAsync(null, CancellationToken.None));
    }
}
