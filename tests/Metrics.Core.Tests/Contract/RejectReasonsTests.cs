namespace Metrics.Core.Tests.Contract;

public sealed class RejectReasonsTests
{
    /// <summary>Codes are written into dead-letter files and documented: every reason has one, and no two share one.</summary>
    [Fact]
    public void Code_EveryReason_HasADistinctKebabCaseCode()
    {
        string[] codes = Enum.GetValues<RejectReason>().Select(r => r.Code()).ToArray();

        Assert.Equal(codes.Length, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", c));
    }

    [Fact]
    public void Code_EveryReason_IsDocumentedInTheContract()
    {
        string contract = File.ReadAllText(Metrics.Tests.Shared.RepoPaths.Combine("docs", "telemetry-contract.md"));
        Assert.All(Enum.GetValues<RejectReason>(), r => Assert.Contains($"`{r.Code()}`", contract, StringComparison.Ordinal));
    }
}
