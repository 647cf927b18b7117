using Metrics.Tests.Shared.Focus;
using Xunit.Abstractions;

namespace Metrics.Core.Tests.Reports;

/// <summary>The FOCUS export against every MUST rule of the FOCUS 1.2 rules model that applies to the centre.</summary>
public sealed class FocusRulesTests(ITestOutputHelper output)
{
    private static readonly FocusRulesModel Model = FocusRulesModel.Load();

    [Fact]
    public void Export_PassesEveryApplicableMustRule()
    {
        FocusTable table = FocusTable.FromCsv(FocusCsvWriter.Write(FocusCsvWriterTests.Report()), Model);
        FocusRulesResult result = Model.Evaluate(table, FocusProvider.Criteria);
        output.WriteLine($"{result.Evaluated} MUST rules evaluated, {result.Failed} failed");
        Assert.True(result.Failed == 0, string.Join("\n", result.Failures));
    }

    [Theory]
    [InlineData("ListUnitPrice", "ListUnitPrice-C-001-M")]
    [InlineData("BilledCost", "BilledCost-C-001-M")]
    [InlineData("SkuPriceId", "SkuPriceId-C-008-M")]
    public void Export_WithoutAMandatoryColumn_FailsNamingTheRule(string column, string rule)
    {
        FocusTable table = FocusTable.FromCsv(FocusCsvWriter.Write(FocusCsvWriterTests.Report()), Model).Without(column);
        FocusRulesResult result = Model.Evaluate(table, FocusProvider.Criteria);
        output.WriteLine(string.Join("\n", result.Failures));
        Assert.Contains(result.Failures, f => f.StartsWith(rule + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_WhoseListCostIsNotUnitPriceTimesQuantity_FailsTheListCostRule()
    {
        string csv = FocusCsvWriter.Write(FocusCsvWriterTests.Report());
        FocusTable table = FocusTable.FromCsv(csv, Model);
        var rows = table.Rows.Select(r => r.ToDictionary(StringComparer.Ordinal)).ToList();
        rows[0]["ListCost"] = (decimal)rows[0]["ListCost"]! + 0.01m;
        FocusRulesResult result = Model.Evaluate(new FocusTable(table.Columns, rows), FocusProvider.Criteria);
        Assert.Contains(result.Failures, f => f.StartsWith("ListCost-C-009-C:", StringComparison.Ordinal));
    }
}
