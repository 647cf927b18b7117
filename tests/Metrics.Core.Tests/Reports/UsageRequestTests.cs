namespace Metrics.Core.Tests.Reports;

public sealed class UsageRequestTests
{
    [Theory]
    [InlineData("2026-11", null, null, UsageFormat.Csv)]
    [InlineData("2026-11", "inst-00042", "json", UsageFormat.Json)]
    [InlineData("2026-11", "", "CSV", UsageFormat.Csv)]
    public void TryParse_ValidRequest_IsAccepted(string month, string? institution, string? format, UsageFormat expected)
    {
        Assert.True(UsageRequest.TryParse(month, institution, format, out UsageRequest? request, out _));
        Assert.Equal(expected, request!.Format);
        Assert.Equal(string.IsNullOrEmpty(institution) ? null : institution, request.Institution);
    }

    [Theory]
    [InlineData("2026-13", null, null, "month")]
    [InlineData("november", null, null, "month")]
    [InlineData("2026-11", null, "xlsx", "format")]
    [InlineData("2026-11", "inst/../x", null, "institution")]
    public void TryParse_BadRequest_SaysWhatIsWrong(string month, string? institution, string? format, string fragment)
    {
        Assert.False(UsageRequest.TryParse(month, institution, format, out _, out string? error));
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("institution", false)]
    [InlineData("Account", true)]
    public void TryParse_By_SplitsByAccountOnlyWhenAsked(string? by, bool expected)
    {
        Assert.True(UsageRequest.TryParse("2026-11", null, null, by, out UsageRequest? request, out _));
        Assert.Equal(expected, request!.ByAccount);
        Assert.Equal(expected ? "usage-2026-11-by-account.csv" : "usage-2026-11.csv", request.FileName);
    }

    [Fact]
    public void TryParse_UnknownBy_IsRefusedWithTheChoices()
    {
        Assert.False(UsageRequest.TryParse("2026-11", null, null, "user", out _, out string? error));
        Assert.Equal("by must be institution or account, got 'user'", error);
    }

    [Fact]
    public void CsvHeader_IsContractV2_AsFinanceHasIt() => Assert.Equal(Metrics.Tests.Shared.FinanceCsv.Header, UsageCsvWriter.Header);
}
