using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Metrics.Functions.Tests;

/// <summary>The finance API called directly with an ASP.NET Core request, over in-memory billing tables.</summary>
public sealed class GetUsageTests
{
    private static readonly BillingMonth s_november = new(2026, 11);
    private readonly InMemoryUsageStore _usage = new();
    private readonly InMemoryRateCardStore _rates = new();
    private readonly InMemoryStatementStore _statements = new();

    public GetUsageTests()
    {
        _usage.Months[s_november] =
        [
            new MonthlyUsage(s_november, "inst-00042", "H100-SXM5-80GB", "", 3, new UsageSeconds(36000m, 7200m, 18000m, 36000m)),
            new MonthlyUsage(s_november, "inst-00107", "H100-SXM5-80GB", "", 1, new UsageSeconds(3600m, 0m, 0m, 0m)),
        ];
        _rates
            .ImportAsync(
                [
                    new RateEntry(RateKind.Gpu, "H100-SXM5-80GB", new DateOnly(2026, 1, 1), 28.50m, "CNY"),
                    new RateEntry(RateKind.Cpu, null, new DateOnly(2026, 1, 1), 0.12m, "CNY"),
                ],
                CancellationToken.None
            )
            .GetAwaiter()
            .GetResult();
    }

    private async Task<IActionResult> GetAsync(string month, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(query);
        var function = new GetUsage(
            new UsageQuery(_usage, _rates, _statements, new InMemoryVoucherStore(), BillingCalendar.Create("Asia/Shanghai")),
            SignedIn.Gate
        );
        return await function.RunAsync(context.Request.As(ClientPrincipals.FinanceReader), month, CancellationToken.None);
    }

    [Fact]
    public async Task Get_Month_ReturnsTheCsvWithEveryInstitution()
    {
        var result = Assert.IsType<ContentResult>(await GetAsync("2026-11"));

        Assert.Equal(200, result.StatusCode);
        Assert.StartsWith("text/csv", result.ContentType, StringComparison.Ordinal);
        string[] lines = result.Content!.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(FinanceCsv.Header, lines[0]);
        Assert.Equal("2026-11,inst-00042,H100-SXM5-80GB,3,10.0000,5.0000,10.0000,50.00,2.0000,28.50,285.24,CNY,usage,", lines[1]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task Get_ByAccount_SplitsTheLinesByProject_AndTheirSumIsTheInstitutionLine()
    {
        _usage.AccountMonths[s_november] =
        [
            new MonthlyUsage(s_november, "inst-00042", "H100-SXM5-80GB", "proj-a", 2, new UsageSeconds(27000m, 7200m, 18000m, 27000m)),
            new MonthlyUsage(s_november, "inst-00042", "H100-SXM5-80GB", "", 0, new UsageSeconds(9000m, 0m, 0m, 9000m)),
        ];

        var result = Assert.IsType<ContentResult>(await GetAsync("2026-11", "?institution=inst-00042&by=account"));

        // 10 GPU-h in 9,000:27,000 s (the empty account sorts first): 2.5 + 7.5; 285.24 in 71.25 : 213.99 (own amounts).
        Assert.Equal(
            FinanceCsv.HeaderByAccount
                + "\r\n"
                + "2026-11,inst-00042,H100-SXM5-80GB,0,2.5000,0.0000,2.5000,0.00,0.0000,28.50,71.25,CNY,usage,,\r\n"
                + "2026-11,inst-00042,H100-SXM5-80GB,2,7.5000,5.0000,7.5000,66.67,2.0000,28.50,213.99,CNY,usage,,proj-a\r\n",
            result.Content
        );
    }

    [Fact]
    public async Task Get_Focus_IsAFocusDatasetByAccount_AndUnpricedMonthsAreAConflict()
    {
        var result = Assert.IsType<ContentResult>(await GetAsync("2026-11", "?format=focus"));
        string[] lines = result.Content!.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(
            "285.00,inst-00042,inst-00042,CNY,2026-11-30T16:00:00Z,2026-10-31T16:00:00Z,Usage,,",
            lines[1],
            StringComparison.Ordinal
        );
        // The GPU-hours row, then the line's core-hours row (2 x 0.12), then the other institution's line.
        Assert.StartsWith("0.24,inst-00042,", lines[2], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);

        _usage.Months[s_november] =
        [
            .. _usage.Months[s_november],
            new MonthlyUsage(s_november, "inst-00107", "B300", "", 1, new UsageSeconds(3600m, 0m, 0m, 0m)),
        ];
        var conflict = Assert.IsType<ConflictObjectResult>(await GetAsync("2026-11", "?format=focus"));
        Assert.Contains("'B300'", conflict.Value!.ToString(), StringComparison.Ordinal);
        var parquetConflict = Assert.IsType<ConflictObjectResult>(await GetAsync("2026-11", "?format=focus-parquet"));
        Assert.Contains("'B300'", parquetConflict.Value!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_FocusParquet_IsAParquetFileOfTheSameRows()
    {
        var result = Assert.IsType<FileContentResult>(await GetAsync("2026-11", "?format=focus-parquet"));

        Assert.Equal("application/vnd.apache.parquet", result.ContentType);
        // A Parquet file begins and ends with its magic number.
        Assert.Equal("PAR1"u8.ToArray(), result.FileContents[..4]);
        Assert.Equal("PAR1"u8.ToArray(), result.FileContents[^4..]);
        await using var content = new MemoryStream(result.FileContents);
        using var reader = new ParquetSharp.Arrow.FileReader(content);
        Assert.Equal(3, reader.ParquetReader.FileMetaData.NumRows);
        Assert.Contains("ListUnitPrice", reader.Schema.FieldsList.Select(f => f.Name));
    }

    [Fact]
    public async Task Get_ByUnknown_IsABadRequestThatNamesTheChoices()
    {
        var result = Assert.IsType<BadRequestObjectResult>(await GetAsync("2026-11", "?by=user"));
        Assert.Contains("by must be institution or account", result.Value!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_InstitutionAsJson_ReturnsOnlyItsLines()
    {
        var result = Assert.IsType<ContentResult>(await GetAsync("2026-11", "?institution=inst-00107&format=json"));

        Assert.StartsWith("application/json", result.ContentType, StringComparison.Ordinal);
        Assert.Contains("\"institution\": \"inst-00107\"", result.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("inst-00042", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ClosedMonth_ServesTheFrozenStatementWhateverChangedSince()
    {
        var query = new UsageQuery(_usage, _rates, _statements, new InMemoryVoucherStore(), BillingCalendar.Create("Asia/Shanghai"));
        UsageReport atClose = await query.ComputeAsync(s_november, null, CancellationToken.None);
        await _statements.TryFreezeAsync(
            Metrics.Core.Ledger.FrozenStatement.Freeze(atClose, [], new DateTimeOffset(2026, 12, 4, 1, 30, 0, TimeSpan.Zero)),
            CancellationToken.None
        );
        string csvAtClose = Assert.IsType<ContentResult>(await GetAsync("2026-11")).Content!;

        // Late data and a new rate after the close change the billing tables, not the closed month.
        _usage.Months[s_november] =
        [
            new MonthlyUsage(s_november, "inst-00042", "H100-SXM5-80GB", "", 9, new UsageSeconds(99000m, 0m, 0m, 0m)),
        ];
        await _rates.ImportAsync(
            [new RateEntry(RateKind.Gpu, "H100-SXM5-80GB", new DateOnly(2026, 1, 1), 99m, "CNY")],
            CancellationToken.None
        );

        Assert.Equal(csvAtClose, Assert.IsType<ContentResult>(await GetAsync("2026-11")).Content);
        string hash = Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(csvAtClose))
        );
        using var json = System.Text.Json.JsonDocument.Parse(
            Assert.IsType<ContentResult>(await GetAsync("2026-11", "?format=json&institution=inst-00107")).Content!
        );
        Assert.True(json.RootElement.GetProperty("closed").GetBoolean());
        Assert.Equal(hash, json.RootElement.GetProperty("statement_sha256").GetString());
        Assert.Equal("2026-12-04T01:30:00+00:00", json.RootElement.GetProperty("closed_at").GetString());
        Assert.Equal($"ST-2026-11-{hash[..8].ToUpperInvariant()}", json.RootElement.GetProperty("statement_id").GetString());
        Assert.Equal(
            "inst-00107",
            Assert.Single(json.RootElement.GetProperty("lines").EnumerateArray()).GetProperty("institution").GetString()
        );
    }

    [Fact]
    public async Task Get_OpenMonthAsJson_SaysItIsNotClosed()
    {
        using var json = System.Text.Json.JsonDocument.Parse(
            Assert.IsType<ContentResult>(await GetAsync("2026-11", "?format=json")).Content!
        );

        Assert.False(json.RootElement.GetProperty("closed").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.RootElement.GetProperty("statement_sha256").ValueKind);
    }

    [Theory]
    [InlineData("2026-13", "", "month")]
    [InlineData("latest", "", "month")]
    [InlineData("2026-11", "?format=xml", "format")]
    public async Task Get_BadMonthOrFormat_Is400WithAClearMessage(string month, string query, string mentioned)
    {
        var result = Assert.IsType<BadRequestObjectResult>(await GetAsync(month, query));

        Assert.Contains(mentioned, result.Value!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("٢٠٢٦-11")]
    [InlineData("２０２６-11")]
    [InlineData("0000-01")]
    [InlineData("1999-12")]
    [InlineData("9999-12")]
    [InlineData("10000-01")]
    [InlineData("-2026-11")]
    [InlineData("2026-11\n")]
    [InlineData("2026-1")]
    [InlineData("")]
    public async Task Get_MonthWithForeignDigitsOrAnAbsurdYear_Is400(string month)
    {
        var result = Assert.IsType<BadRequestObjectResult>(await GetAsync(month.Replace("\\n", "\n", StringComparison.Ordinal)));

        Assert.Contains("month must be yyyy-MM between 2000-01 and 2199-12", result.Value!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_VeryLongValues_Are400WithTheValueCut()
    {
        var result = Assert.IsType<BadRequestObjectResult>(await GetAsync("2026-11", "?institution=" + new string('a', 100_000)));

        Assert.InRange(result.Value!.ToString()!.Length, 1, 300);
    }

    /// <summary>
    /// Generated months and query strings (any characters, any length, encoded or not): the answer is 200, 400 or
    /// 404, never an exception, and a 400 always says what was wrong.
    /// </summary>
    [Fact]
    public void Get_AnyMonthOrQueryString_IsAnsweredNeverThrown()
    {
        Gen<string> text = Gen.OneOf(
            Gen.String,
            Gen.Char.Array[0, 300].Select(c => new string(c)),
            Gen.Select(Gen.Int[-1, 100_000], Gen.Int[0, 99], (y, m) => $"{y:D4}-{m:D2}"),
            Gen.OneOf("2026-11", "2026-12", "inst-00042", "csv", "json", "JSON", "%", "%zz", "&", "=", "\u0000", "\ud800")
        );
        Gen<string> query = Gen.Select(
            text,
            text,
            Gen.Bool,
            (institution, format, encode) =>
                "?institution="
                + (encode ? Uri.EscapeDataString(institution) : institution)
                + "&format="
                + (encode ? Uri.EscapeDataString(format) : format)
        );

        Gen.Select(text, query)
            .Sample(
                t =>
                {
                    IActionResult result = GetAsync(t.Item1, t.Item2).GetAwaiter().GetResult();
                    switch (result)
                    {
                        case BadRequestObjectResult bad:
                            Assert.Matches("month|format|institution", bad.Value!.ToString()!);
                            break;
                        case ContentResult ok:
                            Assert.Equal(200, ok.StatusCode);
                            break;
                        default:
                            Assert.IsType<NotFoundObjectResult>(result);
                            break;
                    }
                },
                seed: "0000fAS9nqP1",
                iter: 2000,
                threads: 1
            );
    }

    [Fact]
    public async Task Get_UnknownInstitution_Is404()
    {
        var result = Assert.IsType<NotFoundObjectResult>(await GetAsync("2026-11", "?institution=inst-99999"));

        Assert.Contains("inst-99999", result.Value!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_KnownInstitutionWithoutUsageThatMonth_Is200WithOnlyTheHeader()
    {
        var result = Assert.IsType<ContentResult>(await GetAsync("2026-10", "?institution=inst-00042"));

        Assert.Equal(FinanceCsv.Header + "\r\n", result.Content);
    }
}
