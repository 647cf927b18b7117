using Metrics.Core.Billing;

namespace Metrics.Core.Tests.Billing;

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
}
